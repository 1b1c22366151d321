import { Type } from '@sinclair/typebox';
import { PayloadsOf, dateTime, eventSchema, ltreePath, nullable, oneOf, uuid } from './schema-parts';

export const MediationEvents = {
  disputeRegistered: 'civgrid.mediation.dispute-registered.v1',
  disputeAccepted: 'civgrid.mediation.dispute-accepted.v1',
  disputeEscalated: 'civgrid.mediation.dispute-escalated.v1',
  sessionScheduled: 'civgrid.mediation.session-scheduled.v1',
  sessionHeld: 'civgrid.mediation.session-held.v1',
  sessionCancelled: 'civgrid.mediation.session-cancelled.v1',
  agreementReached: 'civgrid.mediation.agreement-reached.v1',
  judicialConfirmationRecorded: 'civgrid.mediation.judicial-confirmation-recorded.v1',
  disputeReferred: 'civgrid.mediation.dispute-referred.v1',
  disputeWithdrawn: 'civgrid.mediation.dispute-withdrawn.v1',
  mediationFailed: 'civgrid.mediation.mediation-failed.v1',
  followUpRecorded: 'civgrid.mediation.follow-up-recorded.v1',
} as const;

export const DISPUTE_KINDS = [
  'FAMILY',
  'NEIGHBOURHOOD',
  'PROPERTY_MANAGEMENT',
  'HOUSING_SALES',
  'LAND_REQUISITION',
  'LABOUR',
  'CONTRACT',
  'OTHER',
] as const;
export const DISPUTE_ORIGINS = ['INCIDENT', 'WALK_IN', 'REFERRAL'] as const;
/** The three levels of the platform: village or community, town or street, district. */
export const DISPUTE_LEVELS = ['VILLAGE', 'TOWN', 'DISTRICT'] as const;
export const DISPUTE_STATUSES = [
  'REGISTERED',
  'ACCEPTED',
  'IN_MEDIATION',
  'AGREEMENT_REACHED',
  'MEDIATION_FAILED',
  'CLOSED',
  'WITHDRAWN',
] as const;
export const JUDICIAL_CONFIRMATIONS = ['REQUESTED', 'GRANTED', 'REFUSED'] as const;
export const REFERRAL_TARGETS = ['ARBITRATION', 'LITIGATION'] as const;
export const FOLLOW_UP_FINDINGS = ['HONOURED', 'PARTLY_HONOURED', 'NOT_HONOURED'] as const;
/** Why a booked session was called off: by its committee, or because the dispute left that level or ended. */
export const SESSION_CANCEL_CAUSES = ['CANCELLED_BY_COMMITTEE', 'DISPUTE_ESCALATED', 'DISPUTE_CLOSED', 'DISPUTE_WITHDRAWN'] as const;

export type DisputeKind = (typeof DISPUTE_KINDS)[number];
export type DisputeOrigin = (typeof DISPUTE_ORIGINS)[number];
export type DisputeLevel = (typeof DISPUTE_LEVELS)[number];
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];
export type JudicialConfirmation = (typeof JUDICIAL_CONFIRMATIONS)[number];
export type ReferralTarget = (typeof REFERRAL_TARGETS)[number];
export type FollowUpFinding = (typeof FOLLOW_UP_FINDINGS)[number];
export type SessionCancelCause = (typeof SESSION_CANCEL_CAUSES)[number];

/** The dispute kind a code names, or OTHER for none (or one that is not a dispute kind). */
export const asDisputeKind = (code: string | null | undefined): DisputeKind => DISPUTE_KINDS.find((kind) => kind === code) ?? 'OTHER';

/** `TJ-<year>-<6 digits>`: a dispute's number. */
export const DISPUTE_NUMBER_PATTERN = '^TJ-[0-9]{4}-[0-9]{6}$';

const level = oneOf(DISPUTE_LEVELS);
const number = Type.String({ pattern: DISPUTE_NUMBER_PATTERN });
/** Every later step of a dispute: where it stands after the step. Ids and codes only. */
const step = { disputeId: uuid, number, gridPath: ltreePath, level, status: oneOf(DISPUTE_STATUSES), at: dateTime };
const session = {
  sessionId: uuid,
  disputeId: uuid,
  roomId: uuid,
  startsAt: dateTime,
  endsAt: dateTime,
  departmentIds: Type.Array(uuid, { maxItems: 50 }),
  mediatorIds: Type.Array(uuid, { maxItems: 50 }),
};

export const mediationEventDefinitions = {
  /** Ids, codes and classifications only: no summary text, no parties. */
  [MediationEvents.disputeRegistered]: eventSchema('A dispute was registered', {
    disputeId: uuid,
    number,
    gridId: uuid,
    gridPath: ltreePath,
    kind: oneOf(DISPUTE_KINDS),
    origin: oneOf(DISPUTE_ORIGINS),
    originIncidentId: nullable(uuid),
    level,
  }),
  [MediationEvents.disputeAccepted]: eventSchema('A committee accepted a dispute', step),
  [MediationEvents.disputeEscalated]: eventSchema('A dispute went up a level', { ...step, fromLevel: level }),
  [MediationEvents.sessionScheduled]: eventSchema('A mediation session was booked', session),
  [MediationEvents.sessionHeld]: eventSchema('A mediation session was held', session),
  /** The session as booked, and why it no longer takes place; the room is free again. No free-text reason. */
  [MediationEvents.sessionCancelled]: eventSchema('A booked mediation session was cancelled and its room freed', {
    ...session,
    cause: oneOf(SESSION_CANCEL_CAUSES),
  }),
  [MediationEvents.agreementReached]: eventSchema('The parties reached a mediated agreement', step),
  [MediationEvents.judicialConfirmationRecorded]: eventSchema('Judicial confirmation of an agreement was requested or decided', {
    ...step,
    confirmation: oneOf(JUDICIAL_CONFIRMATIONS),
  }),
  [MediationEvents.disputeReferred]: eventSchema('A dispute was referred to arbitration or litigation', {
    ...step,
    referredTo: oneOf(REFERRAL_TARGETS),
  }),
  [MediationEvents.disputeWithdrawn]: eventSchema('A dispute was withdrawn', step),
  [MediationEvents.mediationFailed]: eventSchema('Mediation of a dispute failed', step),
  [MediationEvents.followUpRecorded]: eventSchema('A follow-up visit after an agreement was recorded', {
    ...step,
    followUpId: uuid,
    finding: oneOf(FOLLOW_UP_FINDINGS),
  }),
};

export type MediationPayloads = PayloadsOf<typeof mediationEventDefinitions>;
export type DisputeRegisteredData = MediationPayloads[typeof MediationEvents.disputeRegistered];
export type DisputeStepData = MediationPayloads[typeof MediationEvents.disputeAccepted];
export type DisputeEscalatedData = MediationPayloads[typeof MediationEvents.disputeEscalated];
export type SessionData = MediationPayloads[typeof MediationEvents.sessionScheduled];
export type SessionCancelledData = MediationPayloads[typeof MediationEvents.sessionCancelled];
export type JudicialConfirmationData = MediationPayloads[typeof MediationEvents.judicialConfirmationRecorded];
export type DisputeReferredData = MediationPayloads[typeof MediationEvents.disputeReferred];
export type FollowUpRecordedData = MediationPayloads[typeof MediationEvents.followUpRecorded];
