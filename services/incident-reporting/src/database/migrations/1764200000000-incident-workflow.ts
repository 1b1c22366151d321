import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The workflow, its timeline, service levels and escalation, photos, whistles and care alerts.
 * New enum values are only added here, never used: PostgreSQL refuses a value in the transaction that adds it.
 */
export class IncidentWorkflow1764200000000 implements MigrationInterface {
  name = 'IncidentWorkflow1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const value of ['ACCEPTED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED', 'REJECTED']) {
      await runner.query(`ALTER TYPE incident_status ADD VALUE IF NOT EXISTS '${value}'`);
    }
    await runner.query(`CREATE TYPE escalation_level AS ENUM ('GRID', 'VILLAGE', 'TOWN', 'DISTRICT')`);
    await runner.query(`
      ALTER TABLE incident
        ADD COLUMN subcategory text,
        ADD COLUMN reporter_resident_id uuid,
        ADD COLUMN dwelling_id uuid,
        ADD COLUMN address_text text,
        ADD COLUMN latitude double precision,
        ADD COLUMN longitude double precision,
        ADD COLUMN assignee_id text,
        ADD COLUMN escalation_level escalation_level NOT NULL DEFAULT 'GRID',
        ADD COLUMN ever_escalated boolean NOT NULL DEFAULT false,
        ADD COLUMN accept_due_at timestamptz,
        ADD COLUMN resolve_due_at timestamptz,
        ADD COLUMN accept_overdue_at timestamptz,
        ADD COLUMN resolve_overdue_at timestamptz,
        ADD COLUMN rejection_reason text,
        ADD COLUMN resolved_at timestamptz,
        ADD COLUMN closed_at timestamptz,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN dispute_id uuid,
        ADD COLUMN origin_key text,
        ADD COLUMN photo_ids uuid[] NOT NULL DEFAULT '{}',
        ADD CONSTRAINT ck_incident_subcategory CHECK (subcategory IS NULL OR subcategory ~ '^[A-Z][A-Z0-9_]{1,39}$'),
        ADD CONSTRAINT ck_incident_address_text CHECK (address_text IS NULL OR char_length(address_text) BETWEEN 1 AND 300),
        ADD CONSTRAINT ck_incident_point CHECK ((latitude IS NULL) = (longitude IS NULL)
          AND (latitude IS NULL OR (latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180))),
        ADD CONSTRAINT ck_incident_rejection_reason CHECK (rejection_reason IS NULL OR char_length(rejection_reason) BETWEEN 1 AND 1000),
        ADD CONSTRAINT ck_incident_photo_count CHECK (cardinality(photo_ids) <= 9)`);
    // A care alert is keyed by (agreement, day): a redelivered or re-sent event finds the first incident.
    await runner.query(`CREATE UNIQUE INDEX uq_incident_origin_key ON incident (origin_key) WHERE origin_key IS NOT NULL`);
    // The overdue job looks only at incidents that still owe a step.
    await runner.query(`CREATE INDEX ix_incident_accept_due ON incident (accept_due_at) WHERE accept_overdue_at IS NULL`);
    await runner.query(`CREATE INDEX ix_incident_resolve_due ON incident (resolve_due_at) WHERE resolve_overdue_at IS NULL`);
    await runner.query(`CREATE INDEX ix_incident_reporter_resident ON incident (reporter_resident_id, reported_at DESC, id DESC)
      WHERE reporter_resident_id IS NOT NULL`);
    await runner.query(`CREATE INDEX ix_incident_dispute ON incident (dispute_id) WHERE dispute_id IS NOT NULL`);

    await runner.query(`
      CREATE TABLE incident_transition (
        id bigint GENERATED ALWAYS AS IDENTITY,
        incident_id uuid NOT NULL,
        action text NOT NULL,
        from_status text,
        to_status text NOT NULL,
        actor_id text NOT NULL,
        at timestamptz NOT NULL,
        note text,
        CONSTRAINT pk_incident_transition PRIMARY KEY (id),
        CONSTRAINT fk_incident_transition_incident FOREIGN KEY (incident_id) REFERENCES incident (id),
        CONSTRAINT ck_incident_transition_note CHECK (note IS NULL OR char_length(note) <= 1000)
      )`);
    await runner.query(`CREATE INDEX ix_incident_transition_incident ON incident_transition (incident_id, id)`);
    // The timeline is evidence: rows are written once and never changed, even by a careless UPDATE.
    await runner.query(`
      CREATE FUNCTION incident_transition_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the incident timeline is append-only' USING ERRCODE = 'P0001'; END $$`);
    await runner.query(`
      CREATE TRIGGER tg_incident_transition_immutable BEFORE UPDATE OR DELETE ON incident_transition
      FOR EACH ROW EXECUTE FUNCTION incident_transition_immutable()`);

    await runner.query(`
      CREATE TABLE photo (
        id uuid NOT NULL,
        sha256 char(64) NOT NULL,
        content_type text NOT NULL,
        size_bytes integer NOT NULL,
        uploaded_by text NOT NULL,
        uploaded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_photo PRIMARY KEY (id),
        CONSTRAINT ck_photo_sha256 CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        CONSTRAINT ck_photo_content_type CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
        CONSTRAINT ck_photo_size CHECK (size_bytes > 0)
      )`);
    // The same bytes uploaded twice by one person (a retry) are one photo.
    await runner.query(`CREATE UNIQUE INDEX uq_photo_uploader_sha256 ON photo (uploaded_by, sha256)`);

    await runner.query(`
      CREATE TABLE whistle (
        id uuid NOT NULL,
        incident_id uuid NOT NULL,
        blown_by text NOT NULL,
        blown_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        note text,
        CONSTRAINT pk_whistle PRIMARY KEY (id),
        CONSTRAINT fk_whistle_incident FOREIGN KEY (incident_id) REFERENCES incident (id),
        CONSTRAINT ck_whistle_due CHECK (due_at > blown_at),
        CONSTRAINT ck_whistle_note CHECK (note IS NULL OR char_length(note) <= 1000)
      )`);
    await runner.query(`CREATE INDEX ix_whistle_incident ON whistle (incident_id, blown_at)`);
    await runner.query(`
      CREATE TABLE whistle_department (
        whistle_id uuid NOT NULL,
        department_id uuid NOT NULL,
        reported_at timestamptz,
        reported_by text,
        response text,
        late boolean,
        overdue_at timestamptz,
        CONSTRAINT pk_whistle_department PRIMARY KEY (whistle_id, department_id),
        CONSTRAINT fk_whistle_department_whistle FOREIGN KEY (whistle_id) REFERENCES whistle (id),
        CONSTRAINT ck_whistle_department_report CHECK ((reported_at IS NULL) = (response IS NULL) AND (reported_at IS NULL) = (late IS NULL)),
        CONSTRAINT ck_whistle_department_response CHECK (response IS NULL OR char_length(response) BETWEEN 1 AND 2000)
      )`);
    // A department officer's inbox: the whistles addressed to their department, newest first.
    await runner.query(`CREATE INDEX ix_whistle_department_department ON whistle_department (department_id, whistle_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE whistle_department`);
    await runner.query(`DROP TABLE whistle`);
    await runner.query(`DROP TABLE photo`);
    await runner.query(`DROP TABLE incident_transition`);
    await runner.query(`DROP FUNCTION incident_transition_immutable()`);
    await runner.query(`DROP INDEX uq_incident_origin_key`);
    await runner.query(`DROP INDEX ix_incident_accept_due`);
    await runner.query(`DROP INDEX ix_incident_resolve_due`);
    await runner.query(`DROP INDEX ix_incident_reporter_resident`);
    await runner.query(`DROP INDEX ix_incident_dispute`);
    await runner.query(`
      ALTER TABLE incident
        DROP COLUMN subcategory, DROP COLUMN reporter_resident_id, DROP COLUMN dwelling_id, DROP COLUMN address_text,
        DROP COLUMN latitude, DROP COLUMN longitude, DROP COLUMN assignee_id, DROP COLUMN escalation_level,
        DROP COLUMN ever_escalated, DROP COLUMN accept_due_at, DROP COLUMN resolve_due_at, DROP COLUMN accept_overdue_at,
        DROP COLUMN resolve_overdue_at, DROP COLUMN rejection_reason, DROP COLUMN resolved_at, DROP COLUMN closed_at,
        DROP COLUMN updated_at, DROP COLUMN dispute_id, DROP COLUMN origin_key, DROP COLUMN photo_ids`);
    await runner.query(`DROP TYPE escalation_level`);
    // PostgreSQL cannot drop enum values: rebuild the type with REPORTED only (later states fold back to it).
    await runner.query(`ALTER TABLE incident ALTER COLUMN status DROP DEFAULT, ALTER COLUMN status TYPE text`);
    await runner.query(`DROP TYPE incident_status`);
    await runner.query(`CREATE TYPE incident_status AS ENUM ('REPORTED')`);
    await runner.query(`ALTER TABLE incident ALTER COLUMN status TYPE incident_status USING 'REPORTED'::incident_status,
      ALTER COLUMN status SET DEFAULT 'REPORTED'`);
  }
}
