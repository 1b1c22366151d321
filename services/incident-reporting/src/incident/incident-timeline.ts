import { EntityManager } from 'typeorm';
import { IncidentStatus } from '@civgrid/contracts';
import { IncidentActionEnum } from './dto/incident.type';

/** The actors of what the system does by itself, as the timeline and the events name them. */
export const SYSTEM_ACTORS = {
  population: 'system:wellbeing-check',
  mediation: 'system:dispute-mediation',
  sla: 'system:service-level',
} as const;

export interface TimelineEntry {
  incidentId: string;
  action: keyof typeof IncidentActionEnum;
  from: IncidentStatus | null;
  to: IncidentStatus;
  /** The account from the token, or one of SYSTEM_ACTORS. */
  actorId: string;
  at: Date;
  note: string | null;
}

/**
 * The one writer of `incident_transition` (append-only, a trigger refuses changes): every step,
 * assignment, escalation and overdue mark of an incident, its whistles' included, in the caller's
 * transaction.
 */
export async function addToTimeline(manager: EntityManager, e: TimelineEntry): Promise<void> {
  await manager.query(
    `INSERT INTO incident_transition (incident_id, action, from_status, to_status, actor_id, at, note) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [e.incidentId, e.action, e.from, e.to, e.actorId, e.at, e.note],
  );
}

/** Whether the last workflow step of an incident (assignments, escalations and marks aside) was this one, by this actor. */
export async function lastStepWas(manager: EntityManager, incidentId: string, action: string, actorId: string): Promise<boolean> {
  const [last] = await manager.query<{ action: string; actorId: string }[]>(
    `SELECT action, actor_id AS "actorId" FROM incident_transition WHERE incident_id = $1 AND action NOT IN ('OVERDUE', 'ESCALATE', 'ASSIGN')
      ORDER BY id DESC LIMIT 1`,
    [incidentId],
  );
  return last?.action === action && last.actorId === actorId;
}
