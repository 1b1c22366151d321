import { JsonSchema } from '@civgrid/events';
import { dateTime, eventSchema, ltreePath, uuid } from './schema-parts';

export const IncidentEvents = {
  reported: 'civgrid.incident.incident-reported.v1',
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
export const INCIDENT_STATUSES = ['REPORTED'] as const;

export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];
export type IncidentPriority = (typeof INCIDENT_PRIORITIES)[number];
export type IncidentSource = (typeof INCIDENT_SOURCES)[number];
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

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

export const incidentSchemas: Record<string, JsonSchema> = {
  [IncidentEvents.reported]: eventSchema('An incident was reported', {
    incidentId: uuid,
    number: { type: 'string', pattern: INCIDENT_NUMBER_PATTERN },
    gridId: uuid,
    gridPath: ltreePath,
    category: { enum: [...INCIDENT_CATEGORIES] },
    priority: { enum: [...INCIDENT_PRIORITIES] },
    source: { enum: [...INCIDENT_SOURCES] },
    reportedAt: dateTime,
  }),
};
