import { MigrationInterface, QueryRunner } from 'typeorm';

/** Departments as grid organisation announces them: a whistle summons only departments that exist. */
export class DepartmentReplica1764300000000 implements MigrationInterface {
  name = 'DepartmentReplica1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE department_replica (
        id uuid NOT NULL,
        code text NOT NULL,
        kind text NOT NULL,
        level text NOT NULL,
        area_path ltree NOT NULL,
        source_time timestamptz NOT NULL,
        CONSTRAINT pk_department_replica PRIMARY KEY (id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE department_replica`);
  }
}
