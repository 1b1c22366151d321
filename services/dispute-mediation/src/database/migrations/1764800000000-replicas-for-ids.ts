import { MigrationInterface, QueryRunner } from 'typeorm';
import { DEPARTMENT_REPLICA_DDL, REGISTRY_REPLICA_DDL, REGISTRY_REPLICA_DROP } from '@civgrid/service-kit';

/**
 * What the other departments' events say exists, so that no id a client sends is taken on trust:
 * incidents (a dispute's origin), departments (seated in a centre), and where residents are (parties).
 */
export class ReplicasForIds1764800000000 implements MigrationInterface {
  name = 'ReplicasForIds1764800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE incident_replica (
        id uuid NOT NULL,
        number text NOT NULL,
        grid_id uuid NOT NULL,
        grid_path ltree NOT NULL,
        source_time timestamptz NOT NULL,
        CONSTRAINT pk_incident_replica PRIMARY KEY (id)
      )`);
    await runner.query(DEPARTMENT_REPLICA_DDL);
    for (const sql of REGISTRY_REPLICA_DDL) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const sql of REGISTRY_REPLICA_DROP) await runner.query(sql);
    await runner.query(`DROP TABLE department_replica`);
    await runner.query(`DROP TABLE incident_replica`);
  }
}
