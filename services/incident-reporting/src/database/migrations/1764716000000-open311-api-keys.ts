import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Open311 API keys for client applications (a citizen site, a city's 311 system), issued by an
 * administrator: only a SHA-256 of the key is kept, so a copy of the database files nothing. Each
 * key counts its own calls per minute in its row (one statement checks the key and counts the call).
 * Status updates are read by time (GET servicerequestupdates), hence the index on the timeline.
 */
export class Open311ApiKeys1764716000000 implements MigrationInterface {
  name = 'Open311ApiKeys1764716000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE open311_api_key (
        id uuid NOT NULL,
        client_name text NOT NULL,
        key_prefix text NOT NULL,
        key_sha256 bytea NOT NULL,
        area_paths ltree[] NOT NULL,
        default_grid_id uuid,
        read_grants text[] NOT NULL DEFAULT '{}',
        rate_limit_per_minute integer NOT NULL,
        rate_window_start timestamptz,
        rate_window_count integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        last_used_at timestamptz,
        revoked_at timestamptz,
        revoked_by text,
        CONSTRAINT pk_open311_api_key PRIMARY KEY (id),
        CONSTRAINT uq_open311_api_key_sha256 UNIQUE (key_sha256),
        CONSTRAINT ck_open311_api_key_client_name CHECK (char_length(client_name) BETWEEN 1 AND 200),
        CONSTRAINT ck_open311_api_key_sha256 CHECK (octet_length(key_sha256) = 32),
        CONSTRAINT ck_open311_api_key_areas CHECK (cardinality(area_paths) BETWEEN 1 AND 50),
        CONSTRAINT ck_open311_api_key_grants CHECK (read_grants <@ ARRAY['EXACT_LOCATION', 'STAFF_REPORTS', 'UNPUBLISHED_SERVICES']),
        CONSTRAINT ck_open311_api_key_rate CHECK (rate_limit_per_minute BETWEEN 1 AND 10000),
        CONSTRAINT ck_open311_api_key_revoked CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
      )`);
    await runner.query(`CREATE INDEX ix_open311_api_key_created ON open311_api_key (created_at DESC, id DESC)`);
    await runner.query(`CREATE INDEX ix_incident_transition_at ON incident_transition (at, id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX ix_incident_transition_at`);
    await runner.query(`DROP TABLE open311_api_key`);
  }
}
