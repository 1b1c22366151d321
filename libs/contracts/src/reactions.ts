import { JsonSchema } from '@civgrid/events';
import { dateTime, eventSchema, ltreePath, uuid } from './schema-parts';

// The events one service reacts to in another. Each is owned by the domain in its name; they live
// together here so that both sides of every reaction read one contract.
export const ReactionEvents = {
  /** population → incident reporting: open an urgent care-alert incident. */
  wellbeingCheckMissed: 'civgrid.population.wellbeing-check-missed.v1',
  /** incident reporting → dispute mediation: register a dispute linked to the incident. */
  incidentEscalated: 'civgrid.incident.incident-escalated.v1',
  /** dispute mediation → incident reporting: resolve the linked incident. */
  disputeClosed: 'civgrid.mediation.dispute-closed.v1',
} as const;

/** A resident's daily check passed its deadline plus grace with no check-in. Ids only. */
export interface WellbeingCheckMissedData {
  agreementId: string;
  residentId: string;
  gridId: string;
  gridPath: string;
  /** The grid member who answers for the check, if one is named. */
  responsibleMemberId: string | null;
  /** The local (Asia/Shanghai) day that was missed, YYYY-MM-DD: one event per resident per day. */
  day: string;
  deadline: string;
}

export type EscalationLevel = 'GRID' | 'VILLAGE' | 'TOWN' | 'DISTRICT';

/** An incident went up a level; `asDispute` hands it to mediation. */
export interface IncidentEscalatedData {
  incidentId: string;
  number: string;
  gridId: string;
  gridPath: string;
  fromLevel: EscalationLevel;
  toLevel: EscalationLevel;
  asDispute: boolean;
  /** For a dispute: the kind mediation should register it as. */
  disputeKind: string | null;
  /** Residents involved, by id only. */
  residentIds: string[];
  escalatedAt: string;
}

export type DisputeOutcome = 'AGREEMENT' | 'REFERRED_TO_ARBITRATION' | 'REFERRED_TO_LITIGATION' | 'WITHDRAWN' | 'FAILED';

export interface DisputeClosedData {
  disputeId: string;
  number: string;
  originIncidentId: string | null;
  outcome: DisputeOutcome;
  closedAt: string;
}

const isoDay = { type: 'string', format: 'date' } as const;

export const reactionSchemas: Record<string, JsonSchema> = {
  [ReactionEvents.wellbeingCheckMissed]: eventSchema("A resident's wellbeing check was missed", {
    agreementId: uuid,
    residentId: uuid,
    gridId: uuid,
    gridPath: ltreePath,
    responsibleMemberId: { anyOf: [uuid, { type: 'null' }] },
    day: isoDay,
    deadline: dateTime,
  }),
  [ReactionEvents.incidentEscalated]: eventSchema('An incident was escalated', {
    incidentId: uuid,
    number: { type: 'string', pattern: '^DY-[0-9]{4}-[0-9]{6}$' },
    gridId: uuid,
    gridPath: ltreePath,
    fromLevel: { enum: ['GRID', 'VILLAGE', 'TOWN', 'DISTRICT'] },
    toLevel: { enum: ['GRID', 'VILLAGE', 'TOWN', 'DISTRICT'] },
    asDispute: { type: 'boolean' },
    disputeKind: {
      anyOf: [
        { enum: ['FAMILY', 'NEIGHBOURHOOD', 'PROPERTY_MANAGEMENT', 'HOUSING_SALES', 'LAND_REQUISITION', 'LABOUR', 'CONTRACT', 'OTHER'] },
        { type: 'null' },
      ],
    },
    residentIds: { type: 'array', items: uuid, maxItems: 50 },
    escalatedAt: dateTime,
  }),
  [ReactionEvents.disputeClosed]: eventSchema('A dispute was closed', {
    disputeId: uuid,
    number: { type: 'string', pattern: '^TJ-[0-9]{4}-[0-9]{6}$' },
    originIncidentId: { anyOf: [uuid, { type: 'null' }] },
    outcome: { enum: ['AGREEMENT', 'REFERRED_TO_ARBITRATION', 'REFERRED_TO_LITIGATION', 'WITHDRAWN', 'FAILED'] },
    closedAt: dateTime,
  }),
};
