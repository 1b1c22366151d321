import { MigrationInterface, QueryRunner } from 'typeorm';
import { OutboxSchemaV1 } from '@civgrid/events';

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE EXTENSION IF NOT EXISTS ltree`);
    await OutboxSchemaV1.up(runner);
    await runner.query(`CREATE TYPE area_level AS ENUM ('DISTRICT', 'TOWN', 'VILLAGE')`);
    await runner.query(`
      CREATE TABLE administrative_area (
        id uuid PRIMARY KEY,
        code char(12) NOT NULL,
        name text NOT NULL,
        level area_level NOT NULL,
        urban boolean NOT NULL,
        parent_id uuid REFERENCES administrative_area (id),
        path ltree NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_area_code UNIQUE (code),
        CONSTRAINT uq_area_path UNIQUE (path),
        CONSTRAINT ck_area_code_digits CHECK (code ~ '^[0-9]{12}$'),
        CONSTRAINT ck_area_name CHECK (char_length(name) BETWEEN 1 AND 200)
      )`);
    await runner.query(`CREATE INDEX ix_area_path ON administrative_area USING gist (path)`);
    await runner.query(`CREATE INDEX ix_area_parent ON administrative_area (parent_id)`);
    await runner.query(`CREATE TYPE grid_kind AS ENUM ('TOTAL', 'BASIC', 'MICRO')`);
    await runner.query(`CREATE TYPE grid_status AS ENUM ('ACTIVE', 'RETIRED')`);
    await runner.query(`
      CREATE TABLE grid (
        id uuid PRIMARY KEY,
        code text NOT NULL,
        name text NOT NULL,
        kind grid_kind NOT NULL,
        area_id uuid NOT NULL REFERENCES administrative_area (id),
        parent_grid_id uuid REFERENCES grid (id),
        path ltree NOT NULL,
        status grid_status NOT NULL DEFAULT 'ACTIVE',
        effective_from date NOT NULL DEFAULT current_date,
        effective_to date,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_grid_code UNIQUE (code),
        CONSTRAINT uq_grid_path UNIQUE (path),
        CONSTRAINT ck_grid_code CHECK (code ~ '^[A-Za-z0-9_-]{1,40}$'),
        CONSTRAINT ck_grid_name CHECK (char_length(name) BETWEEN 1 AND 200)
      )`);
    await runner.query(`CREATE INDEX ix_grid_path ON grid USING gist (path)`);
    await runner.query(`CREATE INDEX ix_grid_area ON grid (area_id)`);
    await runner.query(`CREATE INDEX ix_grid_parent ON grid (parent_grid_id)`);
    // One active total grid per village or community.
    await runner.query(`CREATE UNIQUE INDEX uq_grid_total_per_area ON grid (area_id) WHERE kind = 'TOTAL' AND status = 'ACTIVE'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE grid`);
    await runner.query(`DROP TYPE grid_status`);
    await runner.query(`DROP TYPE grid_kind`);
    await runner.query(`DROP TABLE administrative_area`);
    await runner.query(`DROP TYPE area_level`);
    await OutboxSchemaV1.down(runner);
  }
}
