import { MigrationInterface, QueryRunner } from 'typeorm';
import { REGISTRY_REPLICA_DDL, REGISTRY_REPLICA_DROP } from '@civgrid/service-kit';

/**
 * Where the population registry's dwellings, households and residents are (ids and grids only):
 * an incident links a resident or a dwelling only if it exists and lies in the reporter's reach.
 */
export class RegistryReplica1764800000000 implements MigrationInterface {
  name = 'RegistryReplica1764800000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of REGISTRY_REPLICA_DDL) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const sql of REGISTRY_REPLICA_DROP) await runner.query(sql);
  }
}
