import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Incident numbers count per year (DY-2027-000001 starts 2027): a counter row per year, taken with
 * an upsert in the reporting transaction, instead of one global sequence capped at 999,999.
 */
export class IncidentNumberPerYear1764500000000 implements MigrationInterface {
  name = 'IncidentNumberPerYear1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE incident_number_counter (
        year integer NOT NULL,
        last_number integer NOT NULL,
        CONSTRAINT pk_incident_number_counter PRIMARY KEY (year),
        CONSTRAINT ck_incident_number_counter_range CHECK (last_number BETWEEN 1 AND 999999)
      )`);
    // Each year goes on from the highest number it already gave.
    await runner.query(`
      INSERT INTO incident_number_counter (year, last_number)
      SELECT substring(number FROM 4 FOR 4)::integer, max(substring(number FROM 9)::integer) FROM incident GROUP BY 1`);
    await runner.query(`ALTER TABLE incident ALTER COLUMN number DROP DEFAULT`);
    await runner.query(`DROP SEQUENCE incident_number_seq`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const [{ next }] = (await runner.query(`SELECT coalesce(max(substring(number FROM 9)::integer), 0) + 1 AS next FROM incident`)) as {
      next: number;
    }[];
    await runner.query(`CREATE SEQUENCE incident_number_seq AS integer MINVALUE 1 MAXVALUE 999999 NO CYCLE START ${Number(next)}`);
    await runner.query(`
      ALTER TABLE incident ALTER COLUMN number
        SET DEFAULT ('DY-' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY') || '-' || lpad(nextval('incident_number_seq')::text, 6, '0'))`);
    await runner.query(`ALTER SEQUENCE incident_number_seq OWNED BY incident.number`);
    await runner.query(`DROP TABLE incident_number_counter`);
  }
}
