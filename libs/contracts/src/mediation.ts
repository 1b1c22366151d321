import { JsonSchema } from '@civgrid/events';
import { dateTime, eventSchema, ltreePath, uuid } from './schema-parts';

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

export type DisputeKind =
  'FAMILY' | 'NEIGHBOURHOOD' | 'PROPERTY_MANAGEMENT' | 'HOUSING_SALES' | 'LAND_REQUISITION' | 'LABOUR' | 'CONTRACT' | 'OTHER';
export type DisputeOrigin = 'INCIDENT' | 'WALK_IN' | 'REFERRAL';
/** The three levels of the platform: village or community, town or street, district. */
export type DisputeLevel = 'VILLAGE' | 'TOWN' | 'DISTRICT';
export type DisputeStatus = 'REGISTERED' | 'ACCEPTED' | 'IN_MEDIATION' | 'AGREEMENT_REACHED' | 'MEDIATION_FAILED' | 'CLOSED' | 'WITHDRAWN';
export type JudicialConfirmation = 'REQUESTED' | 'GRANTED' | 'REFUSED';
export type ReferralTarget = 'ARBITRATION' | 'LITIGATION';
export type FollowUpFinding = 'HONOURED' | 'PARTLY_HONOURED' | 'NOT_HONOURED';

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
export const DISPUTE_STATUSES: readonly DisputeStatus[] = [
  'REGISTERED',
  'ACCEPTED',
  'IN_MEDIATION',
  'AGREEMENT_REACHED',
  'MEDIATION_FAILED',
  'CLOSED',
  'WITHDRAWN',
];

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

/** Every later step of a dispute: where it stands after the step. Ids and codes only. */
export interface DisputeStepData {
  disputeId: string;
  number: string;
  gridPath: string;
  level: DisputeLevel;
  status: DisputeStatus;
  at: string;
}

export interface DisputeEscalatedData extends DisputeStepData {
  fromLevel: DisputeLevel;
}

export interface SessionData {
  sessionId: string;
  disputeId: string;
  roomId: string;
  startsAt: string;
  endsAt: string;
  departmentIds: string[];
  mediatorIds: string[];
}

/** Why a booked session was called off: by its committee, or because the dispute left that level or ended. */
export type SessionCancelCause = 'CANCELLED_BY_COMMITTEE' | 'DISPUTE_ESCALATED' | 'DISPUTE_CLOSED' | 'DISPUTE_WITHDRAWN';
export const SESSION_CANCEL_CAUSES: readonly SessionCancelCause[] = [
  'CANCELLED_BY_COMMITTEE',
  'DISPUTE_ESCALATED',
  'DISPUTE_CLOSED',
  'DISPUTE_WITHDRAWN',
];

/** The session as booked, and why it no longer takes place; the room is free again. No free-text reason. */
export interface SessionCancelledData extends SessionData {
  cause: SessionCancelCause;
}

export interface JudicialConfirmationData extends DisputeStepData {
  confirmation: JudicialConfirmation;
}

export interface DisputeReferredData extends DisputeStepData {
  referredTo: ReferralTarget;
}

export interface FollowUpRecordedData extends DisputeStepData {
  followUpId: string;
  finding: FollowUpFinding;
}

const level = { enum: [...DISPUTE_LEVELS] };
const number = { type: 'string', pattern: '^TJ-[0-9]{4}-[0-9]{6}$' } as const;
const step = { disputeId: uuid, number, gridPath: ltreePath, level, status: { enum: [...DISPUTE_STATUSES] }, at: dateTime };
const session = {
  sessionId: uuid,
  disputeId: uuid,
  roomId: uuid,
  startsAt: dateTime,
  endsAt: dateTime,
  departmentIds: { type: 'array', items: uuid, maxItems: 50 },
  mediatorIds: { type: 'array', items: uuid, maxItems: 50 },
};

export const mediationSchemas: Record<string, JsonSchema> = {
  [MediationEvents.disputeRegistered]: eventSchema('A dispute was registered', {
    disputeId: uuid,
    number,
    gridId: uuid,
    gridPath: ltreePath,
    kind: { enum: [...DISPUTE_KINDS] },
    origin: { enum: [...DISPUTE_ORIGINS] },
    originIncidentId: { anyOf: [uuid, { type: 'null' }] },
    level,
  }),
  [MediationEvents.disputeAccepted]: eventSchema('A committee accepted a dispute', step),
  [MediationEvents.disputeEscalated]: eventSchema('A dispute went up a level', { ...step, fromLevel: level }),
  [MediationEvents.sessionScheduled]: eventSchema('A mediation session was booked', session),
  [MediationEvents.sessionHeld]: eventSchema('A mediation session was held', session),
  [MediationEvents.sessionCancelled]: eventSchema('A booked mediation session was cancelled and its room freed', {
    ...session,
    cause: { enum: [...SESSION_CANCEL_CAUSES] },
  }),
  [MediationEvents.agreementReached]: eventSchema('The parties reached a mediated agreement', step),
  [MediationEvents.judicialConfirmationRecorded]: eventSchema('Judicial confirmation of an agreement was requested or decided', {
    ...step,
    confirmation: { enum: ['REQUESTED', 'GRANTED', 'REFUSED'] },
  }),
  [MediationEvents.disputeReferred]: eventSchema('A dispute was referred to arbitration or litigation', {
    ...step,
    referredTo: { enum: ['ARBITRATION', 'LITIGATION'] },
  }),
  [MediationEvents.disputeWithdrawn]: eventSchema('A dispute was withdrawn', step),
  [MediationEvents.mediationFailed]: eventSchema('Mediation of a dispute failed', step),
  [MediationEvents.followUpRecorded]: eventSchema('A follow-up visit after an agreement was recorded', {
    ...step,
    followUpId: uuid,
    finding: { enum: ['HONOURED', 'PARTLY_HONOURED', 'NOT_HONOURED'] },
  }),
};
