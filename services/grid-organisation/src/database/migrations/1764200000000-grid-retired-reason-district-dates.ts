import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Why a grid was retired (retireGrid's reason, or the reshape's), and effective dates taken from
 * one clock: the database's, on the district's calendar (Asia/Shanghai), whatever the session's zone.
 */
export class GridRetiredReasonDistrictDates1764200000000 implements MigrationInterface {
  name = 'GridRetiredReasonDistrictDates1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE grid ADD COLUMN retired_reason text`);
    await runner.query(
      `ALTER TABLE grid ADD CONSTRAINT ck_grid_retired_reason CHECK (retired_reason IS NULL OR char_length(retired_reason) BETWEEN 1 AND 500)`,
    );
    await runner.query(`ALTER TABLE grid ALTER COLUMN effective_from SET DEFAULT ((now() AT TIME ZONE 'Asia/Shanghai')::date)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE grid ALTER COLUMN effective_from SET DEFAULT current_date`);
    await runner.query(`ALTER TABLE grid DROP CONSTRAINT ck_grid_retired_reason`);
    await runner.query(`ALTER TABLE grid DROP COLUMN retired_reason`);
  }
}
