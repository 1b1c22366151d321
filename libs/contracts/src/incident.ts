import { JsonSchema } from '@civgrid/events';
import { dateTime, eventSchema, ltreePath, uuid } from './schema-parts';

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

/** `DY-<year>-<6 digits>`: the number people quote on the phone. */
export const INCIDENT_NUMBER_PATTERN = '^DY-[0-9]{4}-[0-9]{6}$';

/** Ids, codes and classifications only: the title and description stay in the service. */
export interface IncidentReportedData {
  incidentId: string;
  number: string;
  gridId: string;
  gridPath: string;
  category: IncidentCategory;
  priority: IncidentPriority;
  source: IncidentSource;
  reportedAt: string;
}

/** One step of the workflow. `actorId` is the account id from the token (or `system:<reason>`), never a name. */
export interface IncidentTransitionData {
  incidentId: string;
  number: string;
  gridId: string;
  gridPath: string;
  from: IncidentStatus;
  to: IncidentStatus;
  actorId: string;
  at: string;
}

export interface IncidentAssignedData {
  incidentId: string;
  number: string;
  gridId: string;
  gridPath: string;
  assigneeId: string;
  actorId: string;
  at: string;
}

export interface IncidentOverdueData {
  incidentId: string;
  number: string;
  gridId: string;
  gridPath: string;
  kind: OverdueKind;
  dueAt: string;
  detectedAt: string;
}

export interface WhistleBlownData {
  whistleId: string;
  incidentId: string;
  gridPath: string;
  departmentIds: string[];
  dueAt: string;
  blownAt: string;
}

export interface DepartmentReportedData {
  whistleId: string;
  incidentId: string;
  departmentId: string;
  late: boolean;
  reportedAt: string;
}

export interface DepartmentOverdueData {
  whistleId: string;
  incidentId: string;
  departmentId: string;
  dueAt: string;
  detectedAt: string;
}

const number = { type: 'string', pattern: INCIDENT_NUMBER_PATTERN } as const;
const status = { enum: [...INCIDENT_STATUSES] } as const;
const actorId = { type: 'string', minLength: 1, maxLength: 200 } as const;
const ref = { incidentId: uuid, number, gridId: uuid, gridPath: ltreePath };

export const incidentSchemas: Record<string, JsonSchema> = {
  [IncidentEvents.reported]: eventSchema('An incident was reported', {
    ...ref,
    category: { enum: [...INCIDENT_CATEGORIES] },
    priority: { enum: [...INCIDENT_PRIORITIES] },
    source: { enum: [...INCIDENT_SOURCES] },
    reportedAt: dateTime,
  }),
  ...Object.fromEntries(
    (
      [
        [IncidentEvents.accepted, 'An incident was accepted'],
        [IncidentEvents.transitioned, 'An incident moved on in its workflow'],
        [IncidentEvents.resolved, 'An incident was resolved'],
        [IncidentEvents.closed, 'An incident was closed'],
        [IncidentEvents.reopened, 'A resolved incident was reopened'],
      ] as const
    ).map(([type, title]) => [type, eventSchema(title, { ...ref, from: status, to: status, actorId, at: dateTime })]),
  ),
  [IncidentEvents.assigned]: eventSchema('An incident was assigned', { ...ref, assigneeId: actorId, actorId, at: dateTime }),
  [IncidentEvents.overdue]: eventSchema('An incident passed a service-level deadline', {
    ...ref,
    kind: { enum: [...OVERDUE_KINDS] },
    dueAt: dateTime,
    detectedAt: dateTime,
  }),
  [IncidentEvents.whistleBlown]: eventSchema('Departments were summoned to an incident', {
    whistleId: uuid,
    incidentId: uuid,
    gridPath: ltreePath,
    departmentIds: { type: 'array', items: uuid, minItems: 1, maxItems: 20 },
    dueAt: dateTime,
    blownAt: dateTime,
  }),
  [IncidentEvents.departmentReported]: eventSchema('A summoned department reported', {
    whistleId: uuid,
    incidentId: uuid,
    departmentId: uuid,
    late: { type: 'boolean' },
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
