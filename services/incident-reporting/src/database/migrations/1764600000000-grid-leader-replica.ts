import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who leads which grid, as grid organisation announces it: closing an incident is "verified by the
 * reporter or the grid leader", and a token says which grids a member looks after, not which they
 * lead. Member accounts (member → user) and grid-leader assignments arrive as separate events, in
 * any order; a leader is found by joining the two.
 */
export class GridLeaderReplica1764600000000 implements MigrationInterface {
  name = 'GridLeaderReplica1764600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE member_account_replica (
        member_id uuid NOT NULL,
        user_id text,
        CONSTRAINT pk_member_account_replica PRIMARY KEY (member_id)
      )`);
    await runner.query(`CREATE INDEX ix_member_account_replica_user ON member_account_replica (user_id) WHERE user_id IS NOT NULL`);
    await runner.query(`
      CREATE TABLE grid_leader_replica (
        assignment_id uuid NOT NULL,
        member_id uuid NOT NULL,
        grid_id uuid NOT NULL,
        grid_path ltree NOT NULL,
        active_from timestamptz NOT NULL,
        active_to timestamptz,
        source_time timestamptz NOT NULL,
        CONSTRAINT pk_grid_leader_replica PRIMARY KEY (assignment_id)
      )`);
    await runner.query(`CREATE INDEX ix_grid_leader_replica_member ON grid_leader_replica (member_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE grid_leader_replica`);
    await runner.query(`DROP TABLE member_account_replica`);
  }
}
