import { DisputeKind, DisputeLevel, DisputeOrigin, DisputeStatus } from '@civgrid/contracts';
import { allowedActions } from './dispute-workflow';
import {
  DisputeActionEnum,
  DisputeKindEnum,
  DisputeLevelEnum,
  DisputeOriginEnum,
  DisputeOutcomeEnum,
  DisputePartyType,
  DisputeStatusEnum,
  DisputeStepType,
  DisputeType,
  FollowUpFindingEnum,
  FollowUpType,
  JudicialConfirmationEnum,
  PartyKindEnum,
  PartyRoleEnum,
  ReferralSourceEnum,
  ReferralTargetEnum,
} from './dto/dispute.type';

/** A dispute as the lists read it, with the exact registration time (microseconds) for the cursor. */
export interface DisputeRow {
  id: string;
  number: string;
  kind: DisputeKind;
  summary: string;
  origin: DisputeOrigin;
  originIncidentId: string | null;
  level: DisputeLevel;
  status: DisputeStatus;
  gridId: string;
  gridPath: string;
  registeredBy: string;
  registeredAt: Date;
  referredBy: string | null;
  committeeId: string | null;
  outcome: string | null;
  agreementTerms: string | null;
  agreementSignedOn: string | null;
  judicialConfirmation: string | null;
  referredTo: string | null;
  closedAt: Date | null;
  cursorAt: string;
}

export const DISPUTE_COLUMNS = `id, number, kind, summary, origin, origin_incident_id AS "originIncidentId", level, status, grid_id AS "gridId",
  grid_path::text AS "gridPath", registered_by AS "registeredBy", registered_at AS "registeredAt", referred_by AS "referredBy",
  committee_id AS "committeeId", outcome, agreement_terms AS "agreementTerms", agreement_signed_on::text AS "agreementSignedOn",
  judicial_confirmation AS "judicialConfirmation", referred_to AS "referredTo", closed_at AS "closedAt",
  to_char(registered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"`;

export const toDisputeType = (r: DisputeRow): DisputeType => ({
  id: r.id,
  number: r.number,
  kind: r.kind as DisputeKindEnum,
  summary: r.summary,
  origin: r.origin as DisputeOriginEnum,
  originIncidentId: r.originIncidentId,
  level: r.level as DisputeLevelEnum,
  status: r.status as DisputeStatusEnum,
  registeredBy: r.registeredBy,
  registeredAt: r.registeredAt,
  referredBy: r.referredBy as ReferralSourceEnum | null,
  outcome: r.outcome as DisputeOutcomeEnum | null,
  agreement:
    r.agreementTerms !== null && r.agreementSignedOn !== null
      ? {
          terms: r.agreementTerms,
          signedOn: r.agreementSignedOn,
          judicialConfirmation: r.judicialConfirmation as JudicialConfirmationEnum | null,
        }
      : null,
  referredTo: r.referredTo as ReferralTargetEnum | null,
  closedAt: r.closedAt,
  nextActions: allowedActions(r.status) as DisputeActionEnum[],
  gridId: r.gridId,
  gridPath: r.gridPath,
  committeeId: r.committeeId,
});

export interface PartyRow {
  id: string;
  disputeId: string;
  role: string;
  kind: string;
  residentId: string | null;
  name: string | null;
}

export const toPartyType = (r: PartyRow): DisputePartyType => ({
  id: r.id,
  disputeId: r.disputeId,
  role: r.role as PartyRoleEnum,
  kind: r.kind as PartyKindEnum,
  residentId: r.residentId,
  name: r.name,
});

export interface StepRow {
  disputeId: string;
  at: Date;
  actor: string;
  action: string;
  fromStatus: string | null;
  toStatus: string;
  fromLevel: string | null;
  toLevel: string;
  note: string | null;
}

export const toStepType = (r: StepRow): DisputeStepType => ({
  disputeId: r.disputeId,
  at: r.at,
  actor: r.actor,
  action: r.action,
  fromStatus: r.fromStatus as DisputeStatusEnum | null,
  toStatus: r.toStatus as DisputeStatusEnum,
  fromLevel: r.fromLevel as DisputeLevelEnum | null,
  toLevel: r.toLevel as DisputeLevelEnum,
  note: r.note,
});

export interface FollowUpRow {
  id: string;
  disputeId: string;
  visitedOn: string;
  finding: string;
  note: string | null;
  recordedBy: string;
}

export const toFollowUpType = (r: FollowUpRow): FollowUpType => ({ ...r, finding: r.finding as FollowUpFindingEnum });
