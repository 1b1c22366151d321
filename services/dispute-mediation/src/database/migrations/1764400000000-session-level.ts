import { MigrationInterface, QueryRunner } from 'typeorm';

// A session belongs to the level that booked it: a session held at the village does not let the
// town committee record an agreement without meeting the parties itself. Existing sessions get the
// level the dispute was at when they were booked (the last timeline step before), else its level now.
export class SessionLevel1764400000000 implements MigrationInterface {
  name = 'SessionLevel1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE mediation_session ADD COLUMN level dispute_level`);
    await runner.query(`
      UPDATE mediation_session s SET level = coalesce(
        (SELECT t.to_level::dispute_level FROM dispute_timeline t
         WHERE t.dispute_id = s.dispute_id AND t.at <= s.scheduled_at ORDER BY t.at DESC, t.id DESC LIMIT 1),
        d.level)
      FROM dispute d WHERE d.id = s.dispute_id`);
    await runner.query(`ALTER TABLE mediation_session ALTER COLUMN level SET NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE mediation_session DROP COLUMN level`);
  }
}
