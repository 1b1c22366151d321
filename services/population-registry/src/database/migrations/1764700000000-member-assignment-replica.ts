import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who works on which grid, as grid organisation announces it (member-assigned / -unassigned): the
 * member who answers for a wellbeing check must work on the resident's grid, not be any id at all.
 */
export class MemberAssignmentReplica1764700000000 implements MigrationInterface {
  name = 'MemberAssignmentReplica1764700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE member_assignment_replica (
        assignment_id uuid NOT NULL,
        member_id uuid NOT NULL,
        grid_id uuid NOT NULL,
        grid_path ltree NOT NULL,
        role text NOT NULL,
        active_from timestamptz NOT NULL,
        active_to timestamptz,
        source_time timestamptz NOT NULL,
        CONSTRAINT pk_member_assignment_replica PRIMARY KEY (assignment_id)
      )`);
    await runner.query(`CREATE INDEX ix_member_assignment_replica_member ON member_assignment_replica (member_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE member_assignment_replica`);
  }
}
