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
      CREATE TYPE incident_category AS ENUM ('PUBLIC_SAFETY', 'ENVIRONMENT_SANITATION', 'INFRASTRUCTURE', 'PROPERTY_MANAGEMENT',
        'DISPUTE', 'SOCIAL_ASSISTANCE', 'CARE_ALERT', 'OTHER')`);
    await runner.query(`CREATE TYPE incident_priority AS ENUM ('LOW', 'NORMAL', 'HIGH', 'URGENT')`);
    // The workflow (accepted, in progress, resolved, closed, rejected) arrives with its own migration.
    await runner.query(`CREATE TYPE incident_status AS ENUM ('REPORTED')`);
    await runner.query(`CREATE TYPE incident_source AS ENUM ('GRID_PATROL', 'RESIDENT_REPORT', 'HOTLINE', 'OPEN311', 'WELLBEING_ALERT')`);
    // MAXVALUE keeps lpad from ever truncating a number into a duplicate: running out is an error, not a collision.
    await runner.query(`CREATE SEQUENCE incident_number_seq AS integer MINVALUE 1 MAXVALUE 999999 NO CYCLE`);
    // The number's year is the local (Daiyue, UTC+8) year of the report; now() is the same in both defaults.
    await runner.query(`
      CREATE TABLE incident (
        id uuid NOT NULL,
        number text NOT NULL
          DEFAULT ('DY-' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY') || '-' || lpad(nextval('incident_number_seq')::text, 6, '0')),
        title text NOT NULL,
        description text NOT NULL DEFAULT '',
        category incident_category NOT NULL,
        priority incident_priority NOT NULL DEFAULT 'NORMAL',
        status incident_status NOT NULL DEFAULT 'REPORTED',
        source incident_source NOT NULL,
        grid_id uuid NOT NULL,
        grid_path ltree NOT NULL,
        reporter_id text,
        idempotency_key text,
        reported_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_incident PRIMARY KEY (id),
        CONSTRAINT uq_incident_number UNIQUE (number),
        CONSTRAINT ck_incident_number CHECK (number ~ '^DY-[0-9]{4}-[0-9]{6}$'),
        CONSTRAINT ck_incident_title CHECK (char_length(title) BETWEEN 1 AND 200),
        CONSTRAINT ck_incident_description CHECK (char_length(description) <= 4000),
        CONSTRAINT ck_incident_idempotency_key CHECK (idempotency_key IS NULL OR char_length(idempotency_key) BETWEEN 8 AND 100)
      )`);
    await runner.query(`ALTER SEQUENCE incident_number_seq OWNED BY incident.number`);
    // A grid's incidents, newest first: serves Grid.incidents and its keyset pages.
    await runner.query(`CREATE INDEX ix_incident_grid ON incident (grid_id, reported_at DESC, id DESC)`);
    await runner.query(`CREATE INDEX ix_incident_grid_path ON incident USING gist (grid_path)`);
    await runner.query(`CREATE INDEX ix_incident_reported_at ON incident (reported_at DESC, id DESC)`);
    // A phone retrying on a weak network sends the same key: one incident per reporter and key.
    await runner.query(`
      CREATE UNIQUE INDEX uq_incident_idempotency ON incident (reporter_id, idempotency_key)
      WHERE idempotency_key IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    // Dropping the table drops the sequence it owns.
    await runner.query(`DROP TABLE incident`);
    await runner.query(`DROP TYPE incident_source`);
    await runner.query(`DROP TYPE incident_status`);
    await runner.query(`DROP TYPE incident_priority`);
    await runner.query(`DROP TYPE incident_category`);
    await GridReplicaSchemaV1.down(runner);
    await OutboxSchemaV1.down(runner);
  }
}
