import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { canReach, hasRole, inReach, Principal, Role, RULES } from '@civgrid/auth';
import {
  DisputeClosedData,
  DisputeEscalatedData,
  DisputeLevel,
  DisputeOutcome,
  DisputeReferredData,
  DisputeStatus,
  DisputeStepData,
  FollowUpRecordedData,
  JudicialConfirmationData,
  MediationEvents,
  ReactionEvents,
  SessionCancelCause,
  SessionCancelledData,
  EventPayloads,
  EventBody,
} from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { Clock } from '@civgrid/service-kit';
import { sessionEventColumns, SessionEventRow, toSessionData } from '../session/session-events';
import { allowedActions, areaAtLevel, DisputeAction, levelAbove, nextStatus } from './dispute-workflow';
import { DisputeErrors } from './dispute.errors';
import { DISPUTE_COLUMNS, DisputeRow, toDisputeType } from './dispute.rows';
import {
  DisputeStepInput,
  EscalateDisputeInput,
  RecordAgreementInput,
  RecordFollowUpInput,
  RecordJudicialConfirmationInput,
  ReferDisputeInput,
} from './dto/dispute.inputs';
import { DisputeType, JudicialConfirmationEnum } from './dto/dispute.type';

/** The officer role that sits on each level's committee. */
const OFFICER_OF_LEVEL: Record<DisputeLevel, Role> = {
  VILLAGE: Role.COMMUNITY_OFFICER,
  TOWN: Role.TOWN_OFFICER,
  DISTRICT: Role.DISTRICT_OFFICER,
};

/** The timeline's words for a session the dispute's own step called off. */
const CANCEL_NOTE: Record<SessionCancelCause, string> = {
  CANCELLED_BY_COMMITTEE: 'called off by the committee',
  DISPUTE_ESCALATED: 'the dispute went up a level',
  DISPUTE_CLOSED: 'the dispute was closed',
  DISPUTE_WITHDRAWN: 'the dispute was withdrawn',
};

/** Today in China, YYYY-MM-DD: agreements are signed on local days. */
const localDay = (at: Date): string => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(at);

interface Step {
  action: DisputeAction;
  note?: string | null;
  /** Extra columns to set, as SQL fragments with their parameters appended after the fixed ones. */
  set?: Record<string, unknown>;
  level?: DisputeLevel;
}

/**
 * The guarded workflow of a dispute. Each step locks the row, checks the transition table and the
 * actor, writes the change, a timeline entry and the event in one transaction: a refused step
 * writes nothing.
 */
@Injectable()
export class DisputeStepsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox<EventPayloads>,
    private readonly clock: Clock,
  ) {}

  /** May this principal act for the committee that handles the dispute now (its level, its area)? */
  async canAct(principal: Principal, dispute: Pick<DisputeRow, 'level' | 'gridPath'>, manager: EntityManager): Promise<boolean> {
    if (hasRole(principal, Role.ADMIN)) return true;
    if (hasRole(principal, OFFICER_OF_LEVEL[dispute.level]) && canReach(principal, RULES.dispute.act, { path: dispute.gridPath }))
      return true;
    if (!hasRole(principal, Role.MEDIATOR)) return false;
    const [row] = await manager.query<unknown[]>(
      `SELECT 1 FROM mediator m JOIN mediation_committee c ON c.id = m.committee_id
       WHERE m.user_id = $1 AND m.active AND c.level = $2::dispute_level AND c.area_path = $3::ltree`,
      [principal.userId, dispute.level, areaAtLevel(dispute.gridPath, dispute.level)],
    );
    return row !== undefined;
  }

  async assertCanAct(principal: Principal, dispute: Pick<DisputeRow, 'level' | 'gridPath'>, manager: EntityManager): Promise<void> {
    if (!(await this.canAct(principal, dispute, manager))) throw DisputeErrors.notAtYourLevel(dispute.level);
  }

  /** Reads and locks a dispute the principal reaches and may act on; one out of reach is not found. */
  async lockForActor(manager: EntityManager, principal: Principal, id: string): Promise<DisputeRow> {
    const [found] = await manager.query<DisputeRow[]>(`SELECT ${DISPUTE_COLUMNS} FROM dispute WHERE id = $1 FOR UPDATE`, [id]);
    const row = inReach(
      principal,
      RULES.dispute.act,
      found,
      (d) => ({ path: d.gridPath, gridId: d.gridId }),
      () => DisputeErrors.notFound(id),
    );
    await this.assertCanAct(principal, row, manager);
    return row;
  }

  /** Applies one step to a locked dispute: the new status, the timeline entry; returns the updated row. */
  async apply(manager: EntityManager, principal: Principal, dispute: DisputeRow, step: Step): Promise<DisputeRow> {
    const to = nextStatus(dispute.status, step.action);
    if (!to) throw DisputeErrors.illegalTransition(dispute.id, dispute.status, step.action, allowedActions(dispute.status));
    const at = this.clock.now();
    const level = step.level ?? dispute.level;
    const set = { ...(step.set ?? {}) };
    if (to === 'CLOSED' || to === 'WITHDRAWN') set['closed_at'] = at;
    const columns = Object.keys(set);
    const params: unknown[] = [dispute.id, to, level, at, ...columns.map((c) => set[c])];
    const assignments = columns.map((c, i) => `${c} = $${i + 5}`);
    const [[updated]] = await manager.query<[DisputeRow[], number]>(
      `UPDATE dispute SET status = $2, level = $3::dispute_level, updated_at = $4${assignments.map((a) => `, ${a}`).join('')}
       WHERE id = $1 RETURNING ${DISPUTE_COLUMNS}`,
      params,
    );
    await this.timeline(manager, principal, updated, step.action, dispute.status, dispute.level, step.note ?? null, at);
    return updated;
  }

  async timeline(
    manager: EntityManager,
    principal: Principal,
    dispute: DisputeRow,
    action: string,
    fromStatus: DisputeStatus | null,
    fromLevel: DisputeLevel | null,
    note: string | null,
    at: Date = this.clock.now(),
  ): Promise<void> {
    await manager.query(
      `INSERT INTO dispute_timeline (dispute_id, at, actor, action, from_status, to_status, from_level, to_level, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [dispute.id, at, principal.userId, action, fromStatus, dispute.status, fromLevel, dispute.level, note],
    );
  }

  stepData(d: DisputeRow): DisputeStepData {
    return {
      disputeId: d.id,
      number: d.number,
      gridPath: d.gridPath,
      level: d.level,
      status: d.status,
      at: this.clock.now().toISOString(),
    };
  }

  private async publish(manager: EntityManager, d: DisputeRow, event: EventBody): Promise<void> {
    await this.outbox.add(manager, { ...event, aggregateType: 'Dispute', aggregateId: d.id });
  }

  /** A closed or withdrawn dispute tells incident reporting, which resolves the incident it came from. */
  private async publishClosed(manager: EntityManager, d: DisputeRow, outcome: DisputeOutcome): Promise<void> {
    const data: DisputeClosedData = {
      disputeId: d.id,
      number: d.number,
      originIncidentId: d.originIncidentId,
      outcome,
      closedAt: (d.closedAt ?? this.clock.now()).toISOString(),
    };
    await this.outbox.add(manager, { type: ReactionEvents.disputeClosed, aggregateType: 'Dispute', aggregateId: d.id, data });
  }

  private run(
    principal: Principal,
    id: string,
    work: (manager: EntityManager, d: DisputeRow) => Promise<DisputeRow>,
  ): Promise<DisputeType> {
    return this.dataSource.transaction(async (manager) =>
      toDisputeType(await work(manager, await this.lockForActor(manager, principal, id))),
    );
  }

  accept(principal: Principal, input: DisputeStepInput): Promise<DisputeType> {
    return this.run(principal, input.disputeId, async (manager, d) => {
      // The committee of the dispute's level whose area covers it takes it on, when there is one.
      const [committee] = await manager.query<{ id: string }[]>(
        `SELECT id FROM mediation_committee WHERE level = $1::dispute_level AND area_path = $2::ltree`,
        [d.level, areaAtLevel(d.gridPath, d.level)],
      );
      const updated = await this.apply(manager, principal, d, {
        action: 'ACCEPT',
        note: input.note,
        set: { committee_id: committee?.id ?? null },
      });
      await this.publish(manager, updated, { type: MediationEvents.disputeAccepted, data: this.stepData(updated) });
      return updated;
    });
  }

  escalate(principal: Principal, input: EscalateDisputeInput): Promise<DisputeType> {
    return this.run(principal, input.disputeId, async (manager, d) => {
      const above = levelAbove(d.level);
      if (!above && nextStatus(d.status, 'ESCALATE')) throw DisputeErrors.alreadyAtTopLevel(d.id);
      // The next level's committee accepts it afresh; a referral decided below is that level's, not this one's.
      const updated = await this.apply(manager, principal, d, {
        action: 'ESCALATE',
        note: input.reason,
        level: above ?? d.level,
        set: { committee_id: null, referred_to: null },
      });
      const data: DisputeEscalatedData = { ...this.stepData(updated), fromLevel: d.level };
      await this.publish(manager, updated, { type: MediationEvents.disputeEscalated, data });
      // Sessions the lower level booked free their rooms: the next committee books its own.
      await this.cancelSessions(manager, principal, updated, 'DISPUTE_ESCALATED');
      return updated;
    });
  }

  /**
   * Cancels the dispute's booked sessions (or the one named), freeing their rooms: one timeline entry
   * and one session-cancelled event per session, in this transaction. Returns how many were cancelled.
   */
  async cancelSessions(
    manager: EntityManager,
    principal: Principal,
    d: DisputeRow,
    cause: SessionCancelCause,
    opts: { sessionId?: string; note?: string | null } = {},
  ): Promise<number> {
    const params: unknown[] = [d.id];
    if (opts.sessionId) params.push(opts.sessionId);
    const rows = await manager.query<SessionEventRow[]>(
      `WITH c AS (
         UPDATE mediation_session SET status = 'CANCELLED'
         WHERE dispute_id = $1 AND status = 'SCHEDULED'${opts.sessionId ? ' AND id = $2' : ''}
         RETURNING id, dispute_id, room_id, during
       )
       SELECT ${sessionEventColumns('c')} FROM c ORDER BY lower(c.during), c.id`,
      params,
    );
    if (rows.length === 0) return 0;
    const at = this.clock.now();
    const notes = rows.map((r) =>
      opts.note !== undefined ? opts.note : `Session of ${new Date(r.startsAt).toISOString()} cancelled: ${CANCEL_NOTE[cause]}.`,
    );
    await manager.query(
      `INSERT INTO dispute_timeline (dispute_id, at, actor, action, from_status, to_status, from_level, to_level, note)
       SELECT $1, $2, $3, 'SESSION_CANCELLED', $4, $4, $5, $5, n FROM unnest($6::text[]) WITH ORDINALITY AS x (n, i) ORDER BY i`,
      [d.id, at, principal.userId, d.status, d.level, notes],
    );
    await this.outbox.add(
      manager,
      ...rows.map((r) => {
        const data: SessionCancelledData = { ...toSessionData(r), cause };
        return { type: MediationEvents.sessionCancelled, aggregateType: 'Dispute', aggregateId: d.id, data };
      }),
    );
    return rows.length;
  }

  /** The first session booked for an accepted dispute starts mediation (called inside that transaction). */
  async startMediationIfAccepted(manager: EntityManager, principal: Principal, d: DisputeRow): Promise<DisputeRow> {
    return d.status === 'ACCEPTED' ? this.apply(manager, principal, d, { action: 'START_MEDIATION' }) : d;
  }

  /** An outcome at this level needs a session this level held: a lower level's sessions do not carry over. */
  private async assertSessionHeld(manager: EntityManager, d: DisputeRow): Promise<void> {
    const [held] = await manager.query<unknown[]>(
      `SELECT 1 FROM mediation_session WHERE dispute_id = $1 AND status = 'HELD' AND level = $2::dispute_level LIMIT 1`,
      [d.id, d.level],
    );
    if (!held && nextStatus(d.status, 'RECORD_AGREEMENT')) throw DisputeErrors.noHeldSession(d.id);
  }

  recordAgreement(principal: Principal, input: RecordAgreementInput): Promise<DisputeType> {
    return this.run(principal, input.disputeId, async (manager, d) => {
      if (input.signedOn > localDay(this.clock.now())) throw DisputeErrors.signedInFuture();
      await this.assertSessionHeld(manager, d);
      const updated = await this.apply(manager, principal, d, {
        action: 'RECORD_AGREEMENT',
        set: { agreement_terms: input.terms, agreement_signed_on: input.signedOn },
      });
      await this.publish(manager, updated, { type: MediationEvents.agreementReached, data: this.stepData(updated) });
      return updated;
    });
  }

  recordJudicialConfirmation(principal: Principal, input: RecordJudicialConfirmationInput): Promise<DisputeType> {
    return this.run(principal, input.disputeId, async (manager, d) => {
      if (d.agreementTerms === null) throw DisputeErrors.noAgreement(d.id);
      // Requested once, then decided once: REQUESTED → GRANTED | REFUSED.
      const ok =
        input.confirmation === JudicialConfirmationEnum.REQUESTED
          ? d.judicialConfirmation === null
          : d.judicialConfirmation === 'REQUESTED';
      if (!ok) throw DisputeErrors.confirmationOrder(d.judicialConfirmation, input.confirmation);
      const at = this.clock.now();
      const [[updated]] = await manager.query<[DisputeRow[], number]>(
        `UPDATE dispute SET judicial_confirmation = $2, updated_at = $3 WHERE id = $1 RETURNING ${DISPUTE_COLUMNS}`,
        [d.id, input.confirmation, at],
      );
      await this.timeline(manager, principal, updated, `JUDICIAL_CONFIRMATION_${input.confirmation}`, d.status, d.level, null, at);
      const data: JudicialConfirmationData = { ...this.stepData(updated), confirmation: input.confirmation };
      await this.publish(manager, updated, { type: MediationEvents.judicialConfirmationRecorded, data });
      return updated;
    });
  }

  recordFailure(principal: Principal, input: DisputeStepInput): Promise<DisputeType> {
    return this.run(principal, input.disputeId, async (manager, d) => {
      await this.assertSessionHeld(manager, d);
      const updated = await this.apply(manager, principal, d, { action: 'RECORD_FAILURE', note: input.note });
      await this.publish(manager, updated, { type: MediationEvents.mediationFailed, data: this.stepData(updated) });
      return updated;
    });
  }

  refer(principal: Principal, input: ReferDisputeInput): Promise<DisputeType> {
    return this.run(principal, input.disputeId, async (manager, d) => {
      const updated = await this.apply(manager, principal, d, { action: 'REFER', note: input.note, set: { referred_to: input.to } });
      const data: DisputeReferredData = { ...this.stepData(updated), referredTo: input.to };
      await this.publish(manager, updated, { type: MediationEvents.disputeReferred, data });
      return updated;
    });
  }

  withdraw(principal: Principal, input: DisputeStepInput): Promise<DisputeType> {
    return this.run(principal, input.disputeId, async (manager, d) => {
      const updated = await this.apply(manager, principal, d, { action: 'WITHDRAW', note: input.note, set: { outcome: 'WITHDRAWN' } });
      await this.publish(manager, updated, { type: MediationEvents.disputeWithdrawn, data: this.stepData(updated) });
      await this.publishClosed(manager, updated, 'WITHDRAWN');
      await this.cancelSessions(manager, principal, updated, 'DISPUTE_WITHDRAWN');
      return updated;
    });
  }

  close(principal: Principal, input: DisputeStepInput): Promise<DisputeType> {
    return this.run(principal, input.disputeId, async (manager, d) => {
      const outcome: DisputeOutcome =
        d.status === 'AGREEMENT_REACHED'
          ? 'AGREEMENT'
          : d.referredTo === 'ARBITRATION'
            ? 'REFERRED_TO_ARBITRATION'
            : d.referredTo === 'LITIGATION'
              ? 'REFERRED_TO_LITIGATION'
              : 'FAILED';
      const updated = await this.apply(manager, principal, d, {
        action: 'CLOSE',
        note: input.note,
        set: { outcome, closing_note: input.note ?? null },
      });
      await this.publishClosed(manager, updated, outcome);
      await this.cancelSessions(manager, principal, updated, 'DISPUTE_CLOSED');
      return updated;
    });
  }

  /** A visit after an agreement, open or closed: was it honoured? */
  recordFollowUp(principal: Principal, input: RecordFollowUpInput): Promise<DisputeType> {
    return this.run(principal, input.disputeId, async (manager, d) => {
      if (d.agreementTerms === null || d.agreementSignedOn === null) throw DisputeErrors.noAgreement(d.id);
      if (input.visitedOn < d.agreementSignedOn) throw DisputeErrors.followUpBeforeAgreement(d.agreementSignedOn);
      if (input.visitedOn > localDay(this.clock.now())) throw DisputeErrors.followUpInFuture();
      const id = randomUUID();
      await manager.query(
        `INSERT INTO dispute_follow_up (id, dispute_id, visited_on, finding, note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, d.id, input.visitedOn, input.finding, input.note ?? null, principal.userId, this.clock.now()],
      );
      await this.timeline(manager, principal, d, 'FOLLOW_UP', d.status, d.level, input.note ?? null);
      const data: FollowUpRecordedData = { ...this.stepData(d), followUpId: id, finding: input.finding };
      await this.publish(manager, d, { type: MediationEvents.followUpRecorded, data });
      return d;
    });
  }
}
