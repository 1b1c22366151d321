import { Type } from '@sinclair/typebox';
import { ESCALATION_LEVELS, INCIDENT_NUMBER_PATTERN } from './incident';
import { DISPUTE_KINDS, DISPUTE_NUMBER_PATTERN } from './mediation';
import { PayloadsOf, dateTime, eventSchema, isoDate, ltreePath, nullable, oneOf, uuid } from './schema-parts';

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

export const DISPUTE_OUTCOMES = ['AGREEMENT', 'REFERRED_TO_ARBITRATION', 'REFERRED_TO_LITIGATION', 'WITHDRAWN', 'FAILED'] as const;
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];

export const reactionEventDefinitions = {
  /** A resident's daily check passed its deadline plus grace with no check-in. Ids only. */
  [ReactionEvents.wellbeingCheckMissed]: eventSchema("A resident's wellbeing check was missed", {
    agreementId: uuid,
    residentId: uuid,
    gridId: uuid,
    gridPath: ltreePath,
    /** The grid member who answers for the check, if one is named. */
    responsibleMemberId: nullable(uuid),
    /** The local (Asia/Shanghai) day that was missed, YYYY-MM-DD: one event per resident per day. */
    day: isoDate,
    deadline: dateTime,
  }),
  /** An incident went up a level; `asDispute` hands it to mediation. */
  [ReactionEvents.incidentEscalated]: eventSchema('An incident was escalated', {
    incidentId: uuid,
    number: Type.String({ pattern: INCIDENT_NUMBER_PATTERN }),
    gridId: uuid,
    gridPath: ltreePath,
    fromLevel: oneOf(ESCALATION_LEVELS),
    toLevel: oneOf(ESCALATION_LEVELS),
    asDispute: Type.Boolean(),
    /** For a dispute: the kind mediation should register it as. */
    disputeKind: nullable(oneOf(DISPUTE_KINDS)),
    /** Residents involved, by id only. */
    residentIds: Type.Array(uuid, { maxItems: 50 }),
    escalatedAt: dateTime,
  }),
  [ReactionEvents.disputeClosed]: eventSchema('A dispute was closed', {
    disputeId: uuid,
    number: Type.String({ pattern: DISPUTE_NUMBER_PATTERN }),
    originIncidentId: nullable(uuid),
    outcome: oneOf(DISPUTE_OUTCOMES),
    closedAt: dateTime,
  }),
};

export type ReactionPayloads = PayloadsOf<typeof reactionEventDefinitions>;
export type WellbeingCheckMissedData = ReactionPayloads[typeof ReactionEvents.wellbeingCheckMissed];
export type IncidentEscalatedData = ReactionPayloads[typeof ReactionEvents.incidentEscalated];
export type DisputeClosedData = ReactionPayloads[typeof ReactionEvents.disputeClosed];
