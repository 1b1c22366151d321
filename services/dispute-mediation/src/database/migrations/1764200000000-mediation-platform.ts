import { MigrationInterface, QueryRunner } from 'typeorm';

// The dispute workflow, the three-level platform (committees, mediators), centres with rooms,
// sessions that never overlap in a room, outcomes and follow-ups. Statuses become text with a CHECK:
// an enum cannot take new values and use them in the same transaction.
export class MediationPlatform1764200000000 implements MigrationInterface {
  name = 'MediationPlatform1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await runner.query(`ALTER TABLE dispute ALTER COLUMN status DROP DEFAULT`);
    await runner.query(`ALTER TABLE dispute ALTER COLUMN status TYPE text USING status::text`);
    await runner.query(`ALTER TABLE dispute ALTER COLUMN status SET DEFAULT 'REGISTERED'`);
    await runner.query(`DROP TYPE dispute_status`);
    await runner.query(`
      ALTER TABLE dispute
        ADD CONSTRAINT ck_dispute_status CHECK (status IN
          ('REGISTERED', 'ACCEPTED', 'IN_MEDIATION', 'AGREEMENT_REACHED', 'MEDIATION_FAILED', 'CLOSED', 'WITHDRAWN')),
        ADD COLUMN referred_by text,
        ADD COLUMN committee_id uuid,
        ADD COLUMN outcome text,
        ADD COLUMN agreement_terms text,
        ADD COLUMN agreement_signed_on date,
        ADD COLUMN judicial_confirmation text,
        ADD COLUMN referred_to text,
        ADD COLUMN closing_note text,
        ADD COLUMN closed_at timestamptz,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
        ADD CONSTRAINT ck_dispute_referred_by CHECK (origin = 'REFERRAL' OR referred_by IS NULL),
        ADD CONSTRAINT ck_dispute_referred_by_value CHECK (referred_by IN ('COURT', 'LETTERS_AND_CALLS', 'PUBLIC_SECURITY', 'OTHER')),
        ADD CONSTRAINT ck_dispute_outcome CHECK (outcome IN ('AGREEMENT', 'REFERRED_TO_ARBITRATION', 'REFERRED_TO_LITIGATION', 'WITHDRAWN', 'FAILED')),
        ADD CONSTRAINT ck_dispute_judicial CHECK (judicial_confirmation IN ('REQUESTED', 'GRANTED', 'REFUSED')),
        ADD CONSTRAINT ck_dispute_referred_to CHECK (referred_to IN ('ARBITRATION', 'LITIGATION')),
        ADD CONSTRAINT ck_dispute_terms CHECK (char_length(agreement_terms) BETWEEN 1 AND 5000),
        ADD CONSTRAINT ck_dispute_agreement CHECK ((agreement_terms IS NULL) = (agreement_signed_on IS NULL)),
        ADD CONSTRAINT ck_dispute_closed CHECK ((status IN ('CLOSED', 'WITHDRAWN')) = (closed_at IS NOT NULL))`);
    // One dispute per incident, however often the escalation arrives.
    await runner.query(
      `CREATE UNIQUE INDEX uq_dispute_origin_incident ON dispute (origin_incident_id) WHERE origin_incident_id IS NOT NULL`,
    );
    // The open-disputes page of an officer: newest first among the open ones.
    await runner.query(`
      CREATE INDEX ix_dispute_open ON dispute (registered_at DESC, id DESC)
      WHERE status NOT IN ('CLOSED', 'WITHDRAWN')`);
    await runner.query(`CREATE INDEX ix_dispute_open_path ON dispute USING gist (grid_path) WHERE status NOT IN ('CLOSED', 'WITHDRAWN')`);

    await runner.query(`
      CREATE TABLE dispute_party (
        id uuid NOT NULL,
        dispute_id uuid NOT NULL,
        position integer NOT NULL,
        role text NOT NULL,
        kind text NOT NULL,
        resident_id uuid,
        name text,
        CONSTRAINT pk_dispute_party PRIMARY KEY (id),
        CONSTRAINT fk_dispute_party_dispute FOREIGN KEY (dispute_id) REFERENCES dispute (id) ON DELETE CASCADE,
        CONSTRAINT uq_dispute_party_position UNIQUE (dispute_id, position),
        CONSTRAINT ck_dispute_party_role CHECK (role IN ('APPLICANT', 'RESPONDENT', 'THIRD_PARTY', 'INVOLVED')),
        CONSTRAINT ck_dispute_party_kind CHECK (kind IN ('RESIDENT', 'PERSON', 'ORGANISATION')),
        -- a resident is only an id here: their details stay in the population registry
        CONSTRAINT ck_dispute_party_identity CHECK (
          (kind = 'RESIDENT' AND resident_id IS NOT NULL AND name IS NULL)
          OR (kind <> 'RESIDENT' AND resident_id IS NULL AND char_length(name) BETWEEN 1 AND 200))
      )`);
    await runner.query(`CREATE INDEX ix_dispute_party_resident ON dispute_party (resident_id, dispute_id) WHERE resident_id IS NOT NULL`);

    await runner.query(`
      CREATE TABLE dispute_timeline (
        id bigint GENERATED ALWAYS AS IDENTITY,
        dispute_id uuid NOT NULL,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor text NOT NULL,
        action text NOT NULL,
        from_status text,
        to_status text NOT NULL,
        from_level text,
        to_level text NOT NULL,
        note text,
        CONSTRAINT pk_dispute_timeline PRIMARY KEY (id),
        CONSTRAINT fk_dispute_timeline_dispute FOREIGN KEY (dispute_id) REFERENCES dispute (id)
      )`);
    await runner.query(`CREATE INDEX ix_dispute_timeline_dispute ON dispute_timeline (dispute_id, id)`);
    // The timeline is a record of what happened: the database refuses to rewrite it.
    await runner.query(`
      CREATE FUNCTION dispute_timeline_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the dispute timeline is append-only' USING ERRCODE = '55000';
      END $$`);
    await runner.query(`
      CREATE TRIGGER tr_dispute_timeline_immutable BEFORE UPDATE OR DELETE ON dispute_timeline
      FOR EACH ROW EXECUTE FUNCTION dispute_timeline_immutable()`);

    await runner.query(`
      CREATE TABLE mediation_committee (
        id uuid NOT NULL,
        name text NOT NULL,
        level dispute_level NOT NULL,
        area_path ltree NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_mediation_committee PRIMARY KEY (id),
        CONSTRAINT uq_mediation_committee_area UNIQUE (level, area_path),
        CONSTRAINT ck_mediation_committee_name CHECK (char_length(name) BETWEEN 1 AND 200),
        -- district 1 label, town 2, village or community 3
        CONSTRAINT ck_mediation_committee_depth CHECK (nlevel(area_path) = CASE level WHEN 'DISTRICT' THEN 1 WHEN 'TOWN' THEN 2 ELSE 3 END)
      )`);
    await runner.query(`CREATE INDEX ix_mediation_committee_path ON mediation_committee USING gist (area_path)`);
    await runner.query(`
      ALTER TABLE dispute ADD CONSTRAINT fk_dispute_committee FOREIGN KEY (committee_id) REFERENCES mediation_committee (id)`);

    await runner.query(`
      CREATE TABLE mediation_centre (
        id uuid NOT NULL,
        name text NOT NULL,
        area_path ltree NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_mediation_centre PRIMARY KEY (id),
        CONSTRAINT uq_mediation_centre_name UNIQUE (area_path, name),
        CONSTRAINT ck_mediation_centre_name CHECK (char_length(name) BETWEEN 1 AND 200)
      )`);
    await runner.query(`
      CREATE TABLE mediation_centre_department (
        centre_id uuid NOT NULL,
        department_id uuid NOT NULL,
        CONSTRAINT pk_mediation_centre_department PRIMARY KEY (centre_id, department_id),
        CONSTRAINT fk_mediation_centre_department_centre FOREIGN KEY (centre_id) REFERENCES mediation_centre (id) ON DELETE CASCADE
      )`);
    // A room is in a centre, or is a committee's own ("Lao Wang's mediation room").
    await runner.query(`
      CREATE TABLE room (
        id uuid NOT NULL,
        name text NOT NULL,
        kind text NOT NULL,
        centre_id uuid,
        committee_id uuid,
        area_path ltree NOT NULL,
        CONSTRAINT pk_room PRIMARY KEY (id),
        CONSTRAINT fk_room_centre FOREIGN KEY (centre_id) REFERENCES mediation_centre (id),
        CONSTRAINT fk_room_committee FOREIGN KEY (committee_id) REFERENCES mediation_committee (id),
        CONSTRAINT ck_room_owner CHECK ((centre_id IS NULL) <> (committee_id IS NULL)),
        CONSTRAINT ck_room_kind CHECK (kind IN ('JUDGE_STUDIO', 'MEDIATION_ROOM', 'ARBITRATION_ROOM', 'WARM_TALK_ROOM', 'OTHER')),
        CONSTRAINT ck_room_name CHECK (char_length(name) BETWEEN 1 AND 200)
      )`);
    await runner.query(`CREATE UNIQUE INDEX uq_room_centre_name ON room (centre_id, name) WHERE centre_id IS NOT NULL`);
    await runner.query(`CREATE UNIQUE INDEX uq_room_committee_name ON room (committee_id, name) WHERE committee_id IS NOT NULL`);

    await runner.query(`
      CREATE TABLE mediator (
        id uuid NOT NULL,
        committee_id uuid NOT NULL,
        user_id text,
        name text NOT NULL,
        specialties text[] NOT NULL DEFAULT '{}',
        room_id uuid,
        active boolean NOT NULL DEFAULT true,
        CONSTRAINT pk_mediator PRIMARY KEY (id),
        CONSTRAINT fk_mediator_committee FOREIGN KEY (committee_id) REFERENCES mediation_committee (id),
        CONSTRAINT fk_mediator_room FOREIGN KEY (room_id) REFERENCES room (id),
        CONSTRAINT uq_mediator_user UNIQUE (committee_id, user_id),
        CONSTRAINT ck_mediator_name CHECK (char_length(name) BETWEEN 1 AND 100)
      )`);
    await runner.query(`CREATE INDEX ix_mediator_committee ON mediator (committee_id)`);
    await runner.query(`CREATE INDEX ix_mediator_user ON mediator (user_id) WHERE user_id IS NOT NULL`);

    await runner.query(`
      CREATE TABLE mediation_session (
        id uuid NOT NULL,
        dispute_id uuid NOT NULL,
        room_id uuid NOT NULL,
        during tstzrange NOT NULL,
        status text NOT NULL DEFAULT 'SCHEDULED',
        minutes text,
        held_at timestamptz,
        scheduled_by text NOT NULL,
        scheduled_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_mediation_session PRIMARY KEY (id),
        CONSTRAINT fk_mediation_session_dispute FOREIGN KEY (dispute_id) REFERENCES dispute (id),
        CONSTRAINT fk_mediation_session_room FOREIGN KEY (room_id) REFERENCES room (id),
        CONSTRAINT ck_mediation_session_status CHECK (status IN ('SCHEDULED', 'HELD', 'CANCELLED')),
        CONSTRAINT ck_mediation_session_during CHECK (NOT isempty(during) AND NOT lower_inf(during) AND NOT upper_inf(during)),
        CONSTRAINT ck_mediation_session_held CHECK ((status = 'HELD') = (held_at IS NOT NULL AND minutes IS NOT NULL)),
        -- two live sessions never share a room at the same time; the database decides, even under concurrency
        CONSTRAINT ex_mediation_session_room_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE (status <> 'CANCELLED')
      )`);
    await runner.query(`CREATE INDEX ix_mediation_session_dispute ON mediation_session (dispute_id, lower(during))`);
    await runner.query(`
      CREATE TABLE mediation_session_mediator (
        session_id uuid NOT NULL,
        mediator_id uuid NOT NULL,
        CONSTRAINT pk_mediation_session_mediator PRIMARY KEY (session_id, mediator_id),
        CONSTRAINT fk_mediation_session_mediator_session FOREIGN KEY (session_id) REFERENCES mediation_session (id) ON DELETE CASCADE,
        CONSTRAINT fk_mediation_session_mediator_mediator FOREIGN KEY (mediator_id) REFERENCES mediator (id)
      )`);
    await runner.query(`
      CREATE TABLE mediation_session_department (
        session_id uuid NOT NULL,
        department_id uuid NOT NULL,
        CONSTRAINT pk_mediation_session_department PRIMARY KEY (session_id, department_id),
        CONSTRAINT fk_mediation_session_department_session FOREIGN KEY (session_id) REFERENCES mediation_session (id) ON DELETE CASCADE
      )`);
    // Department.mediationSessions: a department's sessions, latest first.
    await runner.query(`CREATE INDEX ix_mediation_session_department ON mediation_session_department (department_id, session_id)`);
    await runner.query(`
      CREATE TABLE mediation_attendance (
        session_id uuid NOT NULL,
        party_id uuid NOT NULL,
        present boolean NOT NULL,
        CONSTRAINT pk_mediation_attendance PRIMARY KEY (session_id, party_id),
        CONSTRAINT fk_mediation_attendance_session FOREIGN KEY (session_id) REFERENCES mediation_session (id) ON DELETE CASCADE,
        CONSTRAINT fk_mediation_attendance_party FOREIGN KEY (party_id) REFERENCES dispute_party (id)
      )`);

    await runner.query(`
      CREATE TABLE dispute_follow_up (
        id uuid NOT NULL,
        dispute_id uuid NOT NULL,
        visited_on date NOT NULL,
        finding text NOT NULL,
        note text,
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_dispute_follow_up PRIMARY KEY (id),
        CONSTRAINT fk_dispute_follow_up_dispute FOREIGN KEY (dispute_id) REFERENCES dispute (id),
        CONSTRAINT ck_dispute_follow_up_finding CHECK (finding IN ('HONOURED', 'PARTLY_HONOURED', 'NOT_HONOURED')),
        CONSTRAINT ck_dispute_follow_up_note CHECK (char_length(note) <= 2000)
      )`);
    await runner.query(`CREATE INDEX ix_dispute_follow_up_dispute ON dispute_follow_up (dispute_id, visited_on)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE dispute_follow_up`);
    await runner.query(`DROP TABLE mediation_attendance`);
    await runner.query(`DROP TABLE mediation_session_department`);
    await runner.query(`DROP TABLE mediation_session_mediator`);
    await runner.query(`DROP TABLE mediation_session`);
    await runner.query(`DROP TABLE mediator`);
    await runner.query(`DROP TABLE room`);
    await runner.query(`DROP TABLE mediation_centre_department`);
    await runner.query(`DROP TABLE mediation_centre`);
    await runner.query(`ALTER TABLE dispute DROP CONSTRAINT fk_dispute_committee`);
    await runner.query(`DROP TABLE mediation_committee`);
    await runner.query(`DROP TABLE dispute_timeline`);
    await runner.query(`DROP FUNCTION dispute_timeline_immutable()`);
    await runner.query(`DROP TABLE dispute_party`);
    await runner.query(`DROP INDEX ix_dispute_open_path`);
    await runner.query(`DROP INDEX ix_dispute_open`);
    await runner.query(`DROP INDEX uq_dispute_origin_incident`);
    await runner.query(`
      ALTER TABLE dispute
        DROP CONSTRAINT ck_dispute_status, DROP CONSTRAINT ck_dispute_referred_by, DROP CONSTRAINT ck_dispute_referred_by_value, DROP CONSTRAINT ck_dispute_outcome,
        DROP CONSTRAINT ck_dispute_judicial, DROP CONSTRAINT ck_dispute_referred_to, DROP CONSTRAINT ck_dispute_terms,
        DROP CONSTRAINT ck_dispute_agreement, DROP CONSTRAINT ck_dispute_closed,
        DROP COLUMN referred_by, DROP COLUMN committee_id, DROP COLUMN outcome, DROP COLUMN agreement_terms,
        DROP COLUMN agreement_signed_on, DROP COLUMN judicial_confirmation, DROP COLUMN referred_to,
        DROP COLUMN closing_note, DROP COLUMN closed_at, DROP COLUMN updated_at`);
    // The first schema knew only REGISTERED: later statuses cannot be expressed there.
    await runner.query(`UPDATE dispute SET status = 'REGISTERED' WHERE status <> 'REGISTERED'`);
    await runner.query(`CREATE TYPE dispute_status AS ENUM ('REGISTERED')`);
    await runner.query(`ALTER TABLE dispute ALTER COLUMN status DROP DEFAULT`);
    await runner.query(`ALTER TABLE dispute ALTER COLUMN status TYPE dispute_status USING status::dispute_status`);
    await runner.query(`ALTER TABLE dispute ALTER COLUMN status SET DEFAULT 'REGISTERED'`);
  }
}
