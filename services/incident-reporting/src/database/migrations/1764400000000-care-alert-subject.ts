import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A care alert names whom to visit: the resident whose wellbeing check was missed (an id of the
 * population registry, never their details) and the agreement the check belongs to.
 */
export class CareAlertSubject1764400000000 implements MigrationInterface {
  name = 'CareAlertSubject1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE incident ADD COLUMN subject_resident_id uuid, ADD COLUMN wellbeing_agreement_id uuid`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE incident DROP COLUMN subject_resident_id, DROP COLUMN wellbeing_agreement_id`);
  }
}
