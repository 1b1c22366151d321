import { MigrationInterface, QueryRunner } from 'typeorm';

// A referral names who referred it (court, letters and calls, …): the code requires it, and so
// does the database from now on. Referrals registered before without a source get OTHER.
export class ReferralNamesItsSource1764300000000 implements MigrationInterface {
  name = 'ReferralNamesItsSource1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`UPDATE dispute SET referred_by = 'OTHER' WHERE origin = 'REFERRAL' AND referred_by IS NULL`);
    await runner.query(
      `ALTER TABLE dispute ADD CONSTRAINT ck_dispute_referral_source CHECK (origin <> 'REFERRAL' OR referred_by IS NOT NULL)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    // The OTHER filled in by up() stays: it is a valid value under the older schema too.
    await runner.query(`ALTER TABLE dispute DROP CONSTRAINT ck_dispute_referral_source`);
  }
}
