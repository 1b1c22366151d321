import { MigrationInterface, QueryRunner } from 'typeorm';
import { PiiAuditSchemaV1 } from '@civgrid/pii';

export class MembersCoverageReshapingHealth1764100000000 implements MigrationInterface {
  name = 'MembersCoverageReshapingHealth1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    // Exclusion constraints mixing uuid equality with range overlap need btree_gist.
    await runner.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);

    // Coverage: what a grid looks after (buildings in a city, lanes or streets in a village) and,
    // optionally, its outline as a GeoJSON polygon.
    await runner.query(`ALTER TABLE grid ADD COLUMN boundary jsonb`);
    await runner.query(
      `ALTER TABLE grid ADD CONSTRAINT ck_grid_boundary_polygon CHECK (boundary IS NULL OR boundary->>'type' = 'Polygon')`,
    );
    await runner.query(`CREATE TYPE coverage_kind AS ENUM ('BUILDING', 'STREET', 'LANE', 'COURTYARD', 'OTHER')`);
    await runner.query(`
      CREATE TABLE grid_coverage_item (
        id uuid PRIMARY KEY,
        grid_id uuid NOT NULL,
        area_id uuid NOT NULL,
        kind coverage_kind NOT NULL,
        name text NOT NULL,
        item_key text NOT NULL,
        position integer NOT NULL,
        CONSTRAINT fk_coverage_grid FOREIGN KEY (grid_id) REFERENCES grid (id),
        CONSTRAINT fk_coverage_area FOREIGN KEY (area_id) REFERENCES administrative_area (id),
        CONSTRAINT uq_coverage_grid_key UNIQUE (grid_id, item_key),
        CONSTRAINT ck_coverage_name CHECK (char_length(name) BETWEEN 1 AND 200)
      )`);
    // "The same building in two active grids" is a lookup by village and item.
    await runner.query(`CREATE INDEX ix_coverage_area_key ON grid_coverage_item (area_id, item_key)`);

    // Reshaping history: retired grids stay, and every move of a coverage item is kept.
    await runner.query(`CREATE TYPE reshape_kind AS ENUM ('SPLIT', 'MERGE', 'MOVE')`);
    await runner.query(`
      CREATE TABLE grid_reshape (
        id uuid PRIMARY KEY,
        kind reshape_kind NOT NULL,
        area_id uuid NOT NULL,
        area_path ltree NOT NULL,
        reason text NOT NULL,
        actor text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        from_grid_ids uuid[] NOT NULL,
        to_grid_ids uuid[] NOT NULL,
        CONSTRAINT fk_reshape_area FOREIGN KEY (area_id) REFERENCES administrative_area (id),
        CONSTRAINT ck_reshape_reason CHECK (char_length(reason) BETWEEN 1 AND 500)
      )`);
    await runner.query(`CREATE INDEX ix_reshape_area_path ON grid_reshape USING gist (area_path)`);
    await runner.query(`CREATE INDEX ix_reshape_grids ON grid_reshape USING gin ((from_grid_ids || to_grid_ids))`);
    await runner.query(`
      CREATE TABLE grid_reshape_item (
        reshape_id uuid NOT NULL,
        from_grid_id uuid NOT NULL,
        item_key text NOT NULL,
        kind coverage_kind NOT NULL,
        name text NOT NULL,
        to_grid_id uuid NOT NULL,
        CONSTRAINT pk_reshape_item PRIMARY KEY (reshape_id, from_grid_id, item_key),
        CONSTRAINT fk_reshape_item_reshape FOREIGN KEY (reshape_id) REFERENCES grid_reshape (id),
        CONSTRAINT fk_reshape_item_from FOREIGN KEY (from_grid_id) REFERENCES grid (id),
        CONSTRAINT fk_reshape_item_to FOREIGN KEY (to_grid_id) REFERENCES grid (id)
      )`);

    // Grid members: the phone is stored encrypted, with a keyed hash to find (and dedupe) it.
    await runner.query(`CREATE TYPE member_employment AS ENUM ('FULL_TIME', 'PART_TIME', 'VOLUNTEER')`);
    await runner.query(`
      CREATE TABLE grid_member (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        phone_cipher bytea NOT NULL,
        phone_hash bytea NOT NULL,
        employment member_employment NOT NULL,
        user_id text,
        area_id uuid NOT NULL,
        area_path ltree NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_member_area FOREIGN KEY (area_id) REFERENCES administrative_area (id),
        CONSTRAINT uq_member_phone_hash UNIQUE (phone_hash),
        CONSTRAINT uq_member_user UNIQUE (user_id),
        CONSTRAINT ck_member_name CHECK (char_length(name) BETWEEN 1 AND 100)
      )`);
    await runner.query(`CREATE INDEX ix_member_area_path ON grid_member USING gist (area_path)`);
    await runner.query(`CREATE TYPE assignment_role AS ENUM ('GRID_LEADER', 'GRID_MEMBER', 'BUILDING_LEADER')`);
    await runner.query(`
      CREATE TABLE grid_assignment (
        id uuid PRIMARY KEY,
        member_id uuid NOT NULL,
        grid_id uuid NOT NULL,
        role assignment_role NOT NULL,
        active_from timestamptz NOT NULL DEFAULT now(),
        active_to timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_assignment_member FOREIGN KEY (member_id) REFERENCES grid_member (id),
        CONSTRAINT fk_assignment_grid FOREIGN KEY (grid_id) REFERENCES grid (id),
        -- An assignment ended before it began (active_to = active_from) is an empty range: cancelled.
        CONSTRAINT ck_assignment_period CHECK (active_to IS NULL OR active_to >= active_from),
        -- At most one grid leader of a grid at any moment, whatever the application does.
        CONSTRAINT ex_assignment_one_leader EXCLUDE USING gist (grid_id WITH =, tstzrange(active_from, active_to, '[)') WITH &&)
          WHERE (role = 'GRID_LEADER'),
        CONSTRAINT ex_assignment_same_role EXCLUDE USING gist (member_id WITH =, grid_id WITH =, role WITH =, tstzrange(active_from, active_to, '[)') WITH &&)
      )`);
    await runner.query(`CREATE INDEX ix_assignment_grid_open ON grid_assignment (grid_id) WHERE active_to IS NULL`);
    await runner.query(`CREATE INDEX ix_assignment_member ON grid_assignment (member_id)`);
    await runner.query(`CREATE INDEX ix_assignment_grid ON grid_assignment (grid_id)`);
    await PiiAuditSchemaV1.up(runner);

    // Departments that answer whistles and take part in mediation.
    await runner.query(`
      CREATE TYPE department_kind AS ENUM ('COURT', 'PROCURATORATE', 'JUDICIAL_BUREAU', 'HOUSING_CONSTRUCTION_BUREAU', 'LETTERS_CALLS_BUREAU',
        'PUBLIC_SECURITY', 'CIVIL_AFFAIRS', 'HUMAN_RESOURCES_SOCIAL_SECURITY', 'NATURAL_RESOURCES', 'MARKET_REGULATION', 'OTHER')`);
    await runner.query(`CREATE TYPE department_level AS ENUM ('DISTRICT', 'TOWN')`);
    await runner.query(`
      CREATE TABLE department (
        id uuid PRIMARY KEY,
        code text NOT NULL,
        name text NOT NULL,
        kind department_kind NOT NULL,
        level department_level NOT NULL,
        area_id uuid NOT NULL,
        area_path ltree NOT NULL,
        contact_phone text,
        address text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_department_area FOREIGN KEY (area_id) REFERENCES administrative_area (id),
        CONSTRAINT uq_department_code UNIQUE (code),
        CONSTRAINT uq_department_area_name UNIQUE (area_id, name),
        CONSTRAINT ck_department_code CHECK (code ~ '^[A-Za-z0-9_-]{1,40}$'),
        CONSTRAINT ck_department_name CHECK (char_length(name) BETWEEN 1 AND 200)
      )`);
    await runner.query(`CREATE INDEX ix_department_area_path ON department USING gist (area_path)`);

    // Household counts per grid, as the population registry last reported them (only its events
    // write here). No foreign key: a count may arrive before or after the grid is known here.
    await runner.query(`
      CREATE TABLE grid_household_count (
        grid_id uuid PRIMARY KEY,
        households integer NOT NULL,
        residents integer NOT NULL,
        as_of timestamptz NOT NULL,
        event_id text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_household_count_non_negative CHECK (households >= 0 AND residents >= 0)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE grid_household_count`);
    await runner.query(`DROP TABLE department`);
    await runner.query(`DROP TYPE department_level`);
    await runner.query(`DROP TYPE department_kind`);
    await PiiAuditSchemaV1.down(runner);
    await runner.query(`DROP TABLE grid_assignment`);
    await runner.query(`DROP TYPE assignment_role`);
    await runner.query(`DROP TABLE grid_member`);
    await runner.query(`DROP TYPE member_employment`);
    await runner.query(`DROP TABLE grid_reshape_item`);
    await runner.query(`DROP TABLE grid_reshape`);
    await runner.query(`DROP TYPE reshape_kind`);
    await runner.query(`DROP TABLE grid_coverage_item`);
    await runner.query(`DROP TYPE coverage_kind`);
    await runner.query(`ALTER TABLE grid DROP CONSTRAINT ck_grid_boundary_polygon`);
    await runner.query(`ALTER TABLE grid DROP COLUMN boundary`);
  }
}
