import { MigrationInterface, QueryRunner } from 'typeorm';

export class CheckInTokens1764500000000 implements MigrationInterface {
  name = 'CheckInTokens1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    // A resident's own check-in token is an HMAC over the agreement and this nonce: a new nonce revokes every token issued before.
    await runner.query(`ALTER TABLE wellbeing_agreement ADD COLUMN check_in_nonce uuid NOT NULL DEFAULT gen_random_uuid()`);
    // The sign a check-in came with: the agreed one when a grid member records it, APP_CHECK_IN when the resident's phone does.
    await runner.query(`ALTER TABLE wellbeing_check_in ADD COLUMN signal check_signal`);
    await runner.query(`UPDATE wellbeing_check_in c SET signal = a.signal FROM wellbeing_agreement a WHERE a.id = c.agreement_id`);
    await runner.query(`ALTER TABLE wellbeing_check_in ALTER COLUMN signal SET NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE wellbeing_check_in DROP COLUMN signal`);
    await runner.query(`ALTER TABLE wellbeing_agreement DROP COLUMN check_in_nonce`);
  }
}
