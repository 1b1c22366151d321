import { SessionData } from '@civgrid/contracts';

/** What every session event says, selected from a session row aliased `alias`. */
export const sessionEventColumns = (alias: string): string =>
  `${alias}.id AS "sessionId", ${alias}.dispute_id AS "disputeId", ${alias}.room_id AS "roomId",
   lower(${alias}.during) AS "startsAt", upper(${alias}.during) AS "endsAt",
   coalesce((SELECT array_agg(mediator_id::text ORDER BY mediator_id) FROM mediation_session_mediator WHERE session_id = ${alias}.id), '{}') AS "mediatorIds",
   coalesce((SELECT array_agg(department_id::text ORDER BY department_id) FROM mediation_session_department WHERE session_id = ${alias}.id), '{}') AS "departmentIds"`;

export interface SessionEventRow {
  sessionId: string;
  disputeId: string;
  roomId: string;
  startsAt: Date;
  endsAt: Date;
  mediatorIds: string[];
  departmentIds: string[];
}

export const toSessionData = (r: SessionEventRow): SessionData => ({
  sessionId: r.sessionId,
  disputeId: r.disputeId,
  roomId: r.roomId,
  startsAt: new Date(r.startsAt).toISOString(),
  endsAt: new Date(r.endsAt).toISOString(),
  departmentIds: r.departmentIds,
  mediatorIds: r.mediatorIds,
});
