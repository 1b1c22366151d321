import { Type } from '@sinclair/typebox';
import { PayloadsOf, dateTime, eventSchema, ltreePath, oneOf, uuid } from './schema-parts';

export const IncidentEvents = {
  reported: 'civgrid.incident.incident-reported.v1',
  accepted: 'civgrid.incident.incident-accepted.v1',
  assigned: 'civgrid.incident.incident-assigned.v1',
  /** Any other step of the workflow (work started, rejected): the timeline's transition as codes. */
  transitioned: 'civgrid.incident.incident-transitioned.v1',
  resolved: 'civgrid.incident.incident-resolved.v1',
  closed: 'civgrid.incident.incident-closed.v1',
  reopened: 'civgrid.incident.incident-reopened.v1',
  overdue: 'civgrid.incident.incident-overdue.v1',
  whistleBlown: 'civgrid.incident.whistle-blown.v1',
  departmentReported: 'civgrid.incident.department-reported.v1',
  /** A summoned department let its whistle's deadline pass without reporting (once per department). */
  departmentOverdue: 'civgrid.incident.department-overdue.v1',
} as const;

export const INCIDENT_CATEGORIES = [
  'PUBLIC_SAFETY',
  'ENVIRONMENT_SANITATION',
  'INFRASTRUCTURE',
  'PROPERTY_MANAGEMENT',
  'DISPUTE',
  'SOCIAL_ASSISTANCE',
  'CARE_ALERT',
  'OTHER',
] as const;
export const INCIDENT_PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const;
export const INCIDENT_SOURCES = ['GRID_PATROL', 'RESIDENT_REPORT', 'HOTLINE', 'OPEN311', 'WELLBEING_ALERT'] as const;
export const INCIDENT_STATUSES = ['REPORTED', 'ACCEPTED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED', 'REJECTED'] as const;
export const ESCALATION_LEVELS = ['GRID', 'VILLAGE', 'TOWN', 'DISTRICT'] as const;
export const OVERDUE_KINDS = ['ACCEPT', 'RESOLVE'] as const;

export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];
export type IncidentPriority = (typeof INCIDENT_PRIORITIES)[number];
export type IncidentSource = (typeof INCIDENT_SOURCES)[number];
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export type OverdueKind = (typeof OVERDUE_KINDS)[number];
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

/** `DY-<year>-<6 digits>`: the number people quote on the phone. */
export const INCIDENT_NUMBER_PATTERN = '^DY-[0-9]{4}-[0-9]{6}$';

const number = Type.String({ pattern: INCIDENT_NUMBER_PATTERN });
const status = oneOf(INCIDENT_STATUSES);
/** The account id from the token (or `system:<reason>`), never a name. */
const actorId = Type.String({ minLength: 1, maxLength: 200 });
const ref = { incidentId: uuid, number, gridId: uuid, gridPath: ltreePath };
/** One step of the workflow: the same shape for accepted, transitioned, resolved, closed and reopened. */
const transition = (title: string) => eventSchema(title, { ...ref, from: status, to: status, actorId, at: dateTime });

export const incidentEventDefinitions = {
  /** Ids, codes and classifications only: the title and description stay in the service. */
  [IncidentEvents.reported]: eventSchema('An incident was reported', {
    ...ref,
    category: oneOf(INCIDENT_CATEGORIES),
    priority: oneOf(INCIDENT_PRIORITIES),
    source: oneOf(INCIDENT_SOURCES),
    reportedAt: dateTime,
  }),
  [IncidentEvents.accepted]: transition('An incident was accepted'),
  [IncidentEvents.transitioned]: transition('An incident moved on in its workflow'),
  [IncidentEvents.resolved]: transition('An incident was resolved'),
  [IncidentEvents.closed]: transition('An incident was closed'),
  [IncidentEvents.reopened]: transition('A resolved incident was reopened'),
  [IncidentEvents.assigned]: eventSchema('An incident was assigned', { ...ref, assigneeId: actorId, actorId, at: dateTime }),
  [IncidentEvents.overdue]: eventSchema('An incident passed a service-level deadline', {
    ...ref,
    kind: oneOf(OVERDUE_KINDS),
    dueAt: dateTime,
    detectedAt: dateTime,
  }),
  [IncidentEvents.whistleBlown]: eventSchema('Departments were summoned to an incident', {
    whistleId: uuid,
    incidentId: uuid,
    gridPath: ltreePath,
    departmentIds: Type.Array(uuid, { minItems: 1, maxItems: 20 }),
    dueAt: dateTime,
    blownAt: dateTime,
  }),
  [IncidentEvents.departmentReported]: eventSchema('A summoned department reported', {
    whistleId: uuid,
    incidentId: uuid,
    departmentId: uuid,
    late: Type.Boolean(),
    reportedAt: dateTime,
  }),
  [IncidentEvents.departmentOverdue]: eventSchema('A summoned department did not report by the deadline', {
    whistleId: uuid,
    incidentId: uuid,
    departmentId: uuid,
    dueAt: dateTime,
    detectedAt: dateTime,
  }),
};

export type IncidentPayloads = PayloadsOf<typeof incidentEventDefinitions>;
export type IncidentReportedData = IncidentPayloads[typeof IncidentEvents.reported];
export type IncidentTransitionData = IncidentPayloads[typeof IncidentEvents.transitioned];
export type IncidentAssignedData = IncidentPayloads[typeof IncidentEvents.assigned];
export type IncidentOverdueData = IncidentPayloads[typeof IncidentEvents.overdue];
export type WhistleBlownData = IncidentPayloads[typeof IncidentEvents.whistleBlown];
export type DepartmentReportedData = IncidentPayloads[typeof IncidentEvents.departmentReported];
export type DepartmentOverdueData = IncidentPayloads[typeof IncidentEvents.departmentOverdue];
