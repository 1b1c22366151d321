import { MigrationInterface, QueryRunner } from 'typeorm';
import { OutboxSchemaV1 } from '@civgrid/events';
import { GridReplicaSchemaV1 } from '@civgrid/service-kit';

export class InitialSchema1764100000000 implements MigrationInterface {
  name = 'InitialSchema1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE EXTENSION IF NOT EXISTS ltree`);
    await OutboxSchemaV1.up(runner);
    await GridReplicaSchemaV1.up(runner);
    await runner.query(`
      CREATE TYPE dispute_kind AS ENUM (
        'FAMILY', 'NEIGHBOURHOOD', 'PROPERTY_MANAGEMENT', 'HOUSING_SALES', 'LAND_REQUISITION', 'LABOUR', 'CONTRACT', 'OTHER'
      )`);
    await runner.query(`CREATE TYPE dispute_origin AS ENUM ('INCIDENT', 'WALK_IN', 'REFERRAL')`);
    await runner.query(`CREATE TYPE dispute_level AS ENUM ('VILLAGE', 'TOWN', 'DISTRICT')`);
    await runner.query(`CREATE TYPE dispute_status AS ENUM ('REGISTERED')`);
    // The NNNNNN of TJ-YYYY-NNNNNN: six digits, so the sequence stops rather than widen the number.
    await runner.query(`CREATE SEQUENCE dispute_number_seq AS integer MINVALUE 1 MAXVALUE 999999 NO CYCLE`);
    await runner.query(`
      CREATE TABLE dispute (
        id uuid NOT NULL,
        number text NOT NULL,
        kind dispute_kind NOT NULL,
        summary text NOT NULL,
        origin dispute_origin NOT NULL,
        origin_incident_id uuid,
        level dispute_level NOT NULL DEFAULT 'VILLAGE',
        status dispute_status NOT NULL DEFAULT 'REGISTERED',
        grid_id uuid NOT NULL,
        grid_path ltree NOT NULL,
        registered_by text NOT NULL,
        registered_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_dispute PRIMARY KEY (id),
        CONSTRAINT uq_dispute_number UNIQUE (number),
        CONSTRAINT ck_dispute_number CHECK (number ~ '^TJ-[0-9]{4}-[0-9]{6}$'),
        CONSTRAINT ck_dispute_summary CHECK (char_length(summary) BETWEEN 1 AND 2000),
        CONSTRAINT ck_dispute_origin_incident CHECK ((origin = 'INCIDENT') = (origin_incident_id IS NOT NULL))
      )`);
    // Lists are newest first: by grid (Grid.disputes), under an area path, or all.
    await runner.query(`CREATE INDEX ix_dispute_grid ON dispute (grid_id, registered_at DESC, id DESC)`);
    await runner.query(`CREATE INDEX ix_dispute_grid_path ON dispute USING gist (grid_path)`);
    await runner.query(`CREATE INDEX ix_dispute_registered ON dispute (registered_at DESC, id DESC)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE dispute`);
    await runner.query(`DROP SEQUENCE dispute_number_seq`);
    await runner.query(`DROP TYPE dispute_status`);
    await runner.query(`DROP TYPE dispute_level`);
    await runner.query(`DROP TYPE dispute_origin`);
    await runner.query(`DROP TYPE dispute_kind`);
    await GridReplicaSchemaV1.down(runner);
    await OutboxSchemaV1.down(runner);
  }
}
