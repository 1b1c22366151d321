import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { GridEvents, MemberAssignmentData } from '@civgrid/contracts';
import { CloudEvent } from '@civgrid/events';
import { EventHandlers } from '@civgrid/service-kit';

/** Grid members' assignments as grid organisation announces them; a later state of one wins. */
@Injectable()
export class MemberAssignments implements OnModuleInit {
  constructor(private readonly handlers: EventHandlers) {}

  onModuleInit(): void {
    for (const type of [GridEvents.memberAssigned, GridEvents.memberUnassigned]) {
      this.handlers.on(type, (event, manager) => this.apply(event, manager));
    }
  }

  private async apply(event: CloudEvent<MemberAssignmentData>, manager: EntityManager): Promise<void> {
    const d = event.data;
    await manager.query(
      `INSERT INTO member_assignment_replica (assignment_id, member_id, grid_id, grid_path, role, active_from, active_to, source_time)
       VALUES ($1, $2, $3, $4::ltree, $5, $6, $7, $8)
       ON CONFLICT (assignment_id) DO UPDATE SET grid_id = EXCLUDED.grid_id, grid_path = EXCLUDED.grid_path, role = EXCLUDED.role,
         active_from = EXCLUDED.active_from, active_to = EXCLUDED.active_to, source_time = EXCLUDED.source_time
       WHERE member_assignment_replica.source_time <= EXCLUDED.source_time`,
      [d.assignmentId, d.memberId, d.gridId, d.gridPath, d.role, d.from, d.to, event.time],
    );
  }

  /** Whether the member works, at `at`, on the grid at `gridPath` or on a grid above it. */
  async worksOn(manager: EntityManager, memberId: string, gridPath: string, at: Date): Promise<boolean> {
    const [row] = await manager.query<unknown[]>(
      `SELECT 1 FROM member_assignment_replica
        WHERE member_id = $1 AND grid_path @> $2::ltree AND active_from <= $3 AND (active_to IS NULL OR active_to > $3) LIMIT 1`,
      [memberId, gridPath, at],
    );
    return row !== undefined;
  }
}
