import { EntityManager } from 'typeorm';
import { AssignmentRole, GridEvents, MemberAssignmentData, EventTypesWith, OutboxEvent } from '@civgrid/contracts';

export interface AssignmentRow {
  id: string;
  memberId: string;
  gridId: string;
  gridPath: string;
  role: AssignmentRole;
  from: Date;
  to: Date | null;
}

export const ASSIGNMENT_COLUMNS = `a.id, a.member_id AS "memberId", a.grid_id AS "gridId", g.path::text AS "gridPath", a.role,
  a.active_from AS "from", a.active_to AS "to"`;

export const assignmentEvent = (
  type: EventTypesWith<MemberAssignmentData>,
  a: AssignmentRow,
): OutboxEvent<EventTypesWith<MemberAssignmentData>> => ({
  type,
  aggregateType: 'GridMember',
  aggregateId: a.memberId,
  data: {
    assignmentId: a.id,
    memberId: a.memberId,
    gridId: a.gridId,
    gridPath: a.gridPath,
    role: a.role,
    from: new Date(a.from).toISOString(),
    to: a.to ? new Date(a.to).toISOString() : null,
  },
});

/**
 * Ends every current or future assignment on grids that are being retired, and returns the
 * member-unassigned events. One that had not begun yet ends where it starts (cancelled).
 */
export async function endAssignmentsOfGrids(manager: EntityManager, gridIds: readonly string[]): Promise<OutboxEvent[]> {
  const rows = await manager.query<AssignmentRow[]>(
    `WITH ended AS (
       UPDATE grid_assignment SET active_to = GREATEST(now(), active_from)
        WHERE grid_id = ANY($1::uuid[]) AND (active_to IS NULL OR active_to > now())
        RETURNING *)
     SELECT ${ASSIGNMENT_COLUMNS} FROM ended a JOIN grid g ON g.id = a.grid_id`,
    [gridIds],
  );
  return rows.map((a) => assignmentEvent(GridEvents.memberUnassigned, a));
}
