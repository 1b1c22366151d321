import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { isWithin } from '@civgrid/auth';
import { MemberAssignmentData, MemberRegisteredData } from '@civgrid/contracts';
import { CloudEvent } from '@civgrid/events';
import { groupByKeys } from '@civgrid/service-kit';

/**
 * The grid leaders (网格长) of the district as grid organisation announces them: which user leads
 * which grids, and since and until when. A grid's leader leads the grids below it too (the leader
 * of a total grid verifies the work of its basic grids).
 */
@Injectable()
export class GridLeaders {
  constructor(private readonly dataSource: DataSource) {}

  /** member-registered: the member's user account (fixed at registration). */
  async applyMember(event: CloudEvent<MemberRegisteredData>, manager: EntityManager): Promise<void> {
    const d = event.data;
    await manager.query(
      `INSERT INTO member_account_replica (member_id, user_id) VALUES ($1, $2) ON CONFLICT (member_id) DO UPDATE SET user_id = EXCLUDED.user_id`,
      [d.memberId, d.userId],
    );
  }

  /** member-assigned / member-unassigned: only grid-leader assignments matter here; a later state wins. */
  async applyAssignment(event: CloudEvent<MemberAssignmentData>, manager: EntityManager): Promise<void> {
    const d = event.data;
    if (d.role !== 'GRID_LEADER') return;
    await manager.query(
      `INSERT INTO grid_leader_replica (assignment_id, member_id, grid_id, grid_path, active_from, active_to, source_time)
       VALUES ($1, $2, $3, $4::ltree, $5, $6, $7)
       ON CONFLICT (assignment_id) DO UPDATE SET grid_id = EXCLUDED.grid_id, grid_path = EXCLUDED.grid_path, active_from = EXCLUDED.active_from,
         active_to = EXCLUDED.active_to, source_time = EXCLUDED.source_time
       WHERE grid_leader_replica.source_time <= EXCLUDED.source_time`,
      [d.assignmentId, d.memberId, d.gridId, d.gridPath, d.from, d.to, event.time],
    );
  }

  /** The paths of the grids each of a batch of users leads at `at`, in one statement. */
  async ledPaths(userIds: readonly string[], at: Date, manager: EntityManager = this.dataSource.manager): Promise<string[][]> {
    const rows = await manager.query<{ userId: string; path: string }[]>(
      `SELECT a.user_id AS "userId", l.grid_path::text AS path
         FROM member_account_replica a JOIN grid_leader_replica l ON l.member_id = a.member_id
        WHERE a.user_id = ANY($1::text[]) AND l.active_from <= $2 AND (l.active_to IS NULL OR l.active_to > $2)`,
      [userIds, at],
    );
    return groupByKeys(userIds, rows, (r) => r.userId).map((list) => list.map((r) => r.path));
  }
}

/** Whether one of `ledPaths` is the grid at `gridPath` or a grid above it. */
export const leadsGrid = (ledPaths: readonly string[], gridPath: string): boolean => ledPaths.some((p) => isWithin(gridPath, p));
