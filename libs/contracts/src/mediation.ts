import { JsonSchema } from '@civgrid/events';
import { eventSchema, ltreePath, uuid } from './schema-parts';

export const MediationEvents = {
  disputeRegistered: 'civgrid.mediation.dispute-registered.v1',
} as const;

export type DisputeKind =
  'FAMILY' | 'NEIGHBOURHOOD' | 'PROPERTY_MANAGEMENT' | 'HOUSING_SALES' | 'LAND_REQUISITION' | 'LABOUR' | 'CONTRACT' | 'OTHER';
export type DisputeOrigin = 'INCIDENT' | 'WALK_IN' | 'REFERRAL';
/** The three levels of the platform: village or community, town or street, district. */
export type DisputeLevel = 'VILLAGE' | 'TOWN' | 'DISTRICT';

export const DISPUTE_KINDS: readonly DisputeKind[] = [
  'FAMILY',
  'NEIGHBOURHOOD',
  'PROPERTY_MANAGEMENT',
  'HOUSING_SALES',
  'LAND_REQUISITION',
  'LABOUR',
  'CONTRACT',
  'OTHER',
];
export const DISPUTE_ORIGINS: readonly DisputeOrigin[] = ['INCIDENT', 'WALK_IN', 'REFERRAL'];
export const DISPUTE_LEVELS: readonly DisputeLevel[] = ['VILLAGE', 'TOWN', 'DISTRICT'];

/** Ids, codes and classifications only: no summary text, no parties. */
export interface DisputeRegisteredData {
  disputeId: string;
  number: string;
  gridId: string;
  gridPath: string;
  kind: DisputeKind;
  origin: DisputeOrigin;
  originIncidentId: string | null;
  level: DisputeLevel;
}

export const mediationSchemas: Record<string, JsonSchema> = {
  [MediationEvents.disputeRegistered]: eventSchema('A dispute was registered', {
    disputeId: uuid,
    number: { type: 'string', pattern: '^TJ-[0-9]{4}-[0-9]{6}$' },
    gridId: uuid,
    gridPath: ltreePath,
    kind: { enum: [...DISPUTE_KINDS] },
    origin: { enum: [...DISPUTE_ORIGINS] },
    originIncidentId: { anyOf: [uuid, { type: 'null' }] },
    level: { enum: [...DISPUTE_LEVELS] },
  }),
};
