import { QueryRunner } from 'typeorm';

/** The replica table, version 1: shipped migrations call this and it never changes. */
export const GridReplicaSchemaV1 = {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE grid_replica (
        id uuid PRIMARY KEY,
        code text NOT NULL,
        name text NOT NULL,
        path ltree NOT NULL,
        area_path ltree NOT NULL,
        status text NOT NULL,
        source_time timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX ix_grid_replica_path ON grid_replica USING gist (path)`);
  },
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE grid_replica`);
  },
};
