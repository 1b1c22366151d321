import { MigrationInterface, QueryRunner } from 'typeorm';
import { PiiAuditSchemaV1 } from '@civgrid/pii';

export class HouseholdsResidentsCare1764300000000 implements MigrationInterface {
  name = 'HouseholdsResidentsCare1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await PiiAuditSchemaV1.up(runner);
    // A ledger import finds a village's dwellings by their written address.
    await runner.query(`CREATE INDEX ix_dwelling_grid_address ON dwelling (grid_id, address_text)`);
    await runner.query(`CREATE TYPE registration_type AS ENUM ('PERMANENT', 'RESIDENT_NOT_REGISTERED', 'FLOATING')`);
    await runner.query(`CREATE TYPE resident_status AS ENUM ('ACTIVE', 'MOVED_OUT', 'DECEASED')`);
    await runner.query(`CREATE TYPE resident_sex AS ENUM ('MALE', 'FEMALE')`);
    await runner.query(
      `CREATE TYPE population_tag AS ENUM ('ELDERLY_LIVING_ALONE', 'EMPTY_NEST_ELDERLY', 'DISABLED', 'LEFT_BEHIND_CHILD', 'LOW_INCOME', 'SPECIAL_HARDSHIP', 'OTHER')`,
    );
    await runner.query(`CREATE TYPE check_signal AS ENUM ('CURTAINS_OPENED', 'PHONE_CALL', 'APP_CHECK_IN')`);
    await runner.query(`CREATE TYPE visit_kind AS ENUM ('ROUTINE_QUARTERLY', 'FOLLOW_UP', 'CARE')`);
    await runner.query(
      `CREATE TYPE need_kind AS ENUM ('BUY_GROCERIES', 'PRINT_HEALTH_CODE', 'MEDICAL_ESCORT', 'POLICY_QUESTION', 'OTHER')`,
    );
    await runner.query(`CREATE TYPE need_status AS ENUM ('OPEN', 'MET')`);
    // grid_id is the dwelling's grid, kept here so a grid's lists and counts need no join.
    await runner.query(`
      CREATE TABLE household (
        id uuid NOT NULL,
        number text NOT NULL,
        dwelling_id uuid NOT NULL,
        grid_id uuid NOT NULL,
        registration_type registration_type NOT NULL,
        head_resident_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_household PRIMARY KEY (id),
        CONSTRAINT uq_household_number UNIQUE (number),
        CONSTRAINT fk_household_dwelling FOREIGN KEY (dwelling_id) REFERENCES dwelling (id),
        CONSTRAINT ck_household_number CHECK (char_length(number) BETWEEN 1 AND 40)
      )`);
    await runner.query(`CREATE INDEX ix_household_grid_created ON household (grid_id, created_at, id)`);
    await runner.query(`CREATE INDEX ix_household_dwelling ON household (dwelling_id)`);
    // National ID and phone: AES-GCM ciphertext, plus a keyed hash for lookups and uniqueness.
    await runner.query(`
      CREATE TABLE resident (
        id uuid NOT NULL,
        household_id uuid NOT NULL,
        grid_id uuid NOT NULL,
        name text NOT NULL,
        relation text NOT NULL,
        national_id_cipher bytea NOT NULL,
        national_id_hash bytea NOT NULL,
        birth_date date NOT NULL,
        sex resident_sex NOT NULL,
        phone_cipher bytea,
        phone_hash bytea,
        status resident_status NOT NULL DEFAULT 'ACTIVE',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_resident PRIMARY KEY (id),
        CONSTRAINT uq_resident_national_id_hash UNIQUE (national_id_hash),
        CONSTRAINT fk_resident_household FOREIGN KEY (household_id) REFERENCES household (id),
        CONSTRAINT ck_resident_name CHECK (char_length(name) BETWEEN 1 AND 100),
        CONSTRAINT ck_resident_relation CHECK (char_length(relation) BETWEEN 1 AND 40),
        CONSTRAINT ck_resident_phone CHECK ((phone_cipher IS NULL) = (phone_hash IS NULL))
      )`);
    await runner.query(`CREATE INDEX ix_resident_grid_created ON resident (grid_id, created_at, id)`);
    await runner.query(`CREATE INDEX ix_resident_household ON resident (household_id)`);
    await runner.query(`CREATE INDEX ix_resident_phone_hash ON resident (phone_hash)`);
    await runner.query(
      `ALTER TABLE household ADD CONSTRAINT fk_household_head FOREIGN KEY (head_resident_id) REFERENCES resident (id) DEFERRABLE INITIALLY DEFERRED`,
    );
    await runner.query(`
      CREATE TABLE household_membership (
        id bigint GENERATED ALWAYS AS IDENTITY,
        household_id uuid NOT NULL,
        resident_id uuid NOT NULL,
        relation text NOT NULL,
        joined_at timestamptz NOT NULL,
        joined_reason text NOT NULL,
        left_at timestamptz,
        left_reason text,
        CONSTRAINT pk_household_membership PRIMARY KEY (id),
        CONSTRAINT fk_household_membership_household FOREIGN KEY (household_id) REFERENCES household (id),
        CONSTRAINT fk_household_membership_resident FOREIGN KEY (resident_id) REFERENCES resident (id),
        CONSTRAINT ck_household_membership_left CHECK ((left_at IS NULL) = (left_reason IS NULL))
      )`);
    // A resident belongs to one household at a time.
    await runner.query(`CREATE UNIQUE INDEX uq_household_membership_current ON household_membership (resident_id) WHERE left_at IS NULL`);
    await runner.query(`CREATE INDEX ix_household_membership_household ON household_membership (household_id, joined_at)`);
    await runner.query(`
      CREATE TABLE resident_tag (
        id uuid NOT NULL,
        resident_id uuid NOT NULL,
        tag population_tag NOT NULL,
        starts_on date NOT NULL,
        ends_on date,
        note text,
        CONSTRAINT pk_resident_tag PRIMARY KEY (id),
        CONSTRAINT fk_resident_tag_resident FOREIGN KEY (resident_id) REFERENCES resident (id),
        CONSTRAINT ck_resident_tag_period CHECK (ends_on IS NULL OR ends_on >= starts_on),
        CONSTRAINT ck_resident_tag_note CHECK (char_length(note) <= 500)
      )`);
    await runner.query(`CREATE INDEX ix_resident_tag_resident ON resident_tag (resident_id, tag)`);
    // deadline_minute: minutes after local (Asia/Shanghai) midnight; days: ISO weekdays 1..7.
    await runner.query(`
      CREATE TABLE wellbeing_agreement (
        id uuid NOT NULL,
        resident_id uuid NOT NULL,
        signal check_signal NOT NULL,
        deadline_minute int NOT NULL,
        days smallint[] NOT NULL,
        grace_minutes int NOT NULL,
        responsible_member_id uuid,
        contacts_cipher bytea,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_wellbeing_agreement PRIMARY KEY (id),
        CONSTRAINT fk_wellbeing_agreement_resident FOREIGN KEY (resident_id) REFERENCES resident (id),
        CONSTRAINT ck_wellbeing_agreement_deadline CHECK (deadline_minute BETWEEN 0 AND 1439),
        CONSTRAINT ck_wellbeing_agreement_grace CHECK (grace_minutes BETWEEN 0 AND 720),
        CONSTRAINT ck_wellbeing_agreement_days CHECK (cardinality(days) BETWEEN 1 AND 7 AND days <@ ARRAY[1,2,3,4,5,6,7]::smallint[])
      )`);
    await runner.query(`CREATE UNIQUE INDEX uq_wellbeing_agreement_active ON wellbeing_agreement (resident_id) WHERE active`);
    // One check-in per agreement and day: a retried request on a weak network records nothing twice.
    await runner.query(`
      CREATE TABLE wellbeing_check_in (
        id uuid NOT NULL,
        agreement_id uuid NOT NULL,
        day date NOT NULL,
        at timestamptz NOT NULL,
        recorded_by text NOT NULL,
        CONSTRAINT pk_wellbeing_check_in PRIMARY KEY (id),
        CONSTRAINT uq_wellbeing_check_in_day UNIQUE (agreement_id, day),
        CONSTRAINT fk_wellbeing_check_in_agreement FOREIGN KEY (agreement_id) REFERENCES wellbeing_agreement (id)
      )`);
    // The job's memory: one row per resident and day makes "exactly one event" a constraint.
    await runner.query(`
      CREATE TABLE wellbeing_miss (
        resident_id uuid NOT NULL,
        day date NOT NULL,
        agreement_id uuid NOT NULL,
        raised_at timestamptz NOT NULL,
        CONSTRAINT pk_wellbeing_miss PRIMARY KEY (resident_id, day),
        CONSTRAINT fk_wellbeing_miss_agreement FOREIGN KEY (agreement_id) REFERENCES wellbeing_agreement (id)
      )`);
    await runner.query(`
      CREATE TABLE household_visit (
        id uuid NOT NULL,
        household_id uuid NOT NULL,
        grid_id uuid NOT NULL,
        visitor text NOT NULL,
        visited_at timestamptz NOT NULL,
        kind visit_kind NOT NULL,
        findings text,
        CONSTRAINT pk_household_visit PRIMARY KEY (id),
        CONSTRAINT fk_household_visit_household FOREIGN KEY (household_id) REFERENCES household (id),
        CONSTRAINT ck_household_visit_findings CHECK (char_length(findings) <= 2000)
      )`);
    await runner.query(`CREATE INDEX ix_household_visit_household ON household_visit (household_id, visited_at)`);
    await runner.query(`
      CREATE TABLE need (
        id uuid NOT NULL,
        household_id uuid NOT NULL,
        grid_id uuid NOT NULL,
        visit_id uuid,
        kind need_kind NOT NULL,
        description text NOT NULL,
        status need_status NOT NULL DEFAULT 'OPEN',
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL,
        met_by text,
        met_at timestamptz,
        CONSTRAINT pk_need PRIMARY KEY (id),
        CONSTRAINT fk_need_household FOREIGN KEY (household_id) REFERENCES household (id),
        CONSTRAINT fk_need_visit FOREIGN KEY (visit_id) REFERENCES household_visit (id),
        CONSTRAINT ck_need_description CHECK (char_length(description) BETWEEN 1 AND 1000),
        CONSTRAINT ck_need_met CHECK ((status = 'MET') = (met_at IS NOT NULL))
      )`);
    await runner.query(`CREATE INDEX ix_need_grid_status ON need (grid_id, status, recorded_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'need',
      'household_visit',
      'wellbeing_miss',
      'wellbeing_check_in',
      'wellbeing_agreement',
      'resident_tag',
      'household_membership',
    ]) {
      await runner.query(`DROP TABLE ${table}`);
    }
    await runner.query(`ALTER TABLE household DROP CONSTRAINT fk_household_head`);
    await runner.query(`DROP TABLE resident`);
    await runner.query(`DROP TABLE household`);
    for (const type of [
      'need_status',
      'need_kind',
      'visit_kind',
      'check_signal',
      'population_tag',
      'resident_sex',
      'resident_status',
      'registration_type',
    ]) {
      await runner.query(`DROP TYPE ${type}`);
    }
    await PiiAuditSchemaV1.down(runner);
    await runner.query(`DROP INDEX ix_dwelling_grid_address`);
  }
}
