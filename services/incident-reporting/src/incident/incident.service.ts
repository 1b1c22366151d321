import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessRule, Principal, RULES } from '@civgrid/auth';
import {
  IncidentAssignedData,
  IncidentEscalatedData,
  IncidentEvents,
  IncidentReportedData,
  IncidentStatus,
  IncidentTransitionData,
  ReactionEvents,
  DisputeKind,
  asDisputeKind,
  EventPayloads,
  EventTypesWith,
} from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { Clock, GridReplicaService, RegistryReplicaService, returning } from '@civgrid/service-kit';
import { hasControlCharacters } from '../http/validation';
import { PhotoService } from '../photo/photo.service';
import { deadlinesFrom, EscalationLevelCode, nextLevel, Taxonomy, TAXONOMY } from '../taxonomy/taxonomy';
import { IncidentErrors } from './incident.errors';
import { GridLeaders, leadsGrid } from './grid-leaders';
import { addToTimeline, lastStepWas } from './incident-timeline';
import { AWAITING_ACCEPT_SQL, COLUMNS, IncidentRow, NewIncident, readCondition, toIncidentType } from './incident.rows';
import { checkTransition, isOpen, mayActAsGridLeader, TRANSITIONS, WorkflowAction } from './incident.workflow';
import { AssignIncidentInput, EscalateIncidentInput, ReportIncidentInput } from './dto/incident.inputs';
import { IncidentType } from './dto/incident.type';

/** The rule a workflow step follows (who may take it beyond the reach is the workflow's table). */
export const STEP_RULES: Record<WorkflowAction, AccessRule> = {
  ACCEPT: RULES.incident.accept,
  REJECT: RULES.incident.accept,
  START: RULES.incident.work,
  RESOLVE: RULES.incident.work,
  CLOSE: RULES.incident.verify,
  REOPEN: RULES.incident.verify,
};

const sameReport = (e: IncidentRow, input: ReportIncidentInput): boolean =>
  e.gridId === input.gridId &&
  e.title === input.title &&
  e.description === input.description &&
  e.category === (input.category as string) &&
  (e.subcategory ?? undefined) === (input.subcategory ?? undefined) &&
  e.priority === (input.priority as string) &&
  e.source === (input.source as string);

const TRANSITION_EVENTS: Record<WorkflowAction, EventTypesWith<IncidentTransitionData>> = {
  ACCEPT: IncidentEvents.accepted,
  START: IncidentEvents.transitioned,
  RESOLVE: IncidentEvents.resolved,
  CLOSE: IncidentEvents.closed,
  REJECT: IncidentEvents.transitioned,
  REOPEN: IncidentEvents.reopened,
};

/** What an escalation tells mediation: whether it becomes a dispute, of what kind, between whom. */
export interface EscalationAsDispute {
  asDispute: boolean;
  disputeKind: DisputeKind | null;
  residentIds: string[];
}

/**
 * The commands on incidents: report, the workflow steps, assignment and escalation. Each locks the
 * row it changes, writes the change, its timeline entry (incident-timeline) and its event (the
 * outbox) in one transaction; a refused command writes nothing. The reactions to other services'
 * events and the overdue job take their steps through the same methods.
 */
@Injectable()
export class IncidentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox<EventPayloads>,
    private readonly grids: GridReplicaService,
    private readonly clock: Clock,
    private readonly photos: PhotoService,
    private readonly leaders: GridLeaders,
    private readonly registry: RegistryReplicaService,
    @Inject(TAXONOMY) private readonly taxonomy: Taxonomy,
  ) {}

  /**
   * Stores the incident, its first timeline entry and its event in one transaction. With an
   * idempotency key, a retry (however concurrent) returns the incident of the first attempt and writes nothing.
   */
  async report(principal: Principal, input: ReportIncidentInput): Promise<IncidentType> {
    const key = input.idempotencyKey ?? null;
    if (input.subcategory && !this.taxonomy.get(input.category)!.subcategories.includes(input.subcategory)) {
      throw IncidentErrors.unknownSubcategory(input.category, input.subcategory);
    }
    const loc = input.location ?? {};
    if ((loc.latitude === undefined) !== (loc.longitude === undefined)) throw IncidentErrors.halfAPoint();
    for (const [field, text] of [
      ['title', input.title],
      ['description', input.description],
      ['location.addressText', loc.addressText],
    ] as const) {
      if (text && hasControlCharacters(text)) throw IncidentErrors.controlCharacter(field);
    }
    return this.dataSource.transaction(async (manager) => {
      if (key) {
        const earlier = await this.byIdempotencyKey(manager, principal.userId, key);
        if (earlier) return this.replay(earlier, input);
      }
      const grid = await this.grids.inReach(input.gridId, principal, RULES.incident.report, manager);
      if (grid.status !== 'ACTIVE') throw IncidentErrors.gridRetired(grid.id);
      // A resident or dwelling named must exist and lie in the reporter's reach, as the registry says.
      await this.assertRegistryInReach(principal, manager, input.reporterResidentId ? [input.reporterResidentId] : [], loc.dwellingId);
      const photoIds = [...new Set(input.photoIds ?? [])];
      await this.photos.assertOwned(manager, principal, photoIds);
      const row = await this.insert(manager, {
        gridId: grid.id,
        gridPath: grid.path,
        title: input.title,
        description: input.description,
        category: input.category,
        subcategory: input.subcategory ?? null,
        priority: input.priority,
        source: input.source,
        reporterId: principal.userId,
        reporterResidentId: input.reporterResidentId ?? null,
        dwellingId: loc.dwellingId ?? null,
        addressText: loc.addressText ?? null,
        latitude: loc.latitude ?? null,
        longitude: loc.longitude ?? null,
        assigneeId: null,
        photoIds,
        idempotencyKey: key,
        originKey: null,
        subjectResidentId: null,
        wellbeingAgreementId: null,
      });
      if (!row) {
        // A concurrent attempt with the same key committed first; this statement's snapshot sees it.
        const first = await this.byIdempotencyKey(manager, principal.userId, key!);
        if (!first) throw new Error('idempotency conflict without a committed incident');
        return this.replay(first, input);
      }
      return toIncidentType(row);
    });
  }

  /** Inserts with deadlines, timeline and events; undefined when the idempotency or origin key already exists. */
  async insert(manager: EntityManager, n: NewIncident): Promise<IncidentRow | undefined> {
    const now = this.clock.now();
    const due = deadlinesFrom(this.taxonomy.get(n.category)!.serviceLevel, n.priority, now);
    // A redelivered care alert finds its incident before it takes a number (numbers have no gaps for it).
    if (n.originKey) {
      const known = await manager.query<unknown[]>(`SELECT 1 FROM incident WHERE origin_key = $1`, [n.originKey]);
      if (known.length > 0) return undefined;
    }
    // The number counts per local (Daiyue, UTC+8) year of the report: the counter row is taken in this
    // transaction, so a rolled-back report gives its number back. Past 999,999 the year has no number left.
    const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(now));
    const [counter] = await manager.query<{ last: number }[]>(
      `INSERT INTO incident_number_counter AS c (year, last_number) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last_number = c.last_number + 1 WHERE c.last_number < 999999
       RETURNING last_number AS last`,
      [year],
    );
    if (!counter) throw IncidentErrors.numbersExhausted(year);
    const number = `DY-${year}-${String(counter.last).padStart(6, '0')}`;
    const [row] = await manager.query<IncidentRow[]>(
      `INSERT INTO incident (id, number, title, description, category, subcategory, priority, source, grid_id, grid_path, reporter_id,
         reporter_resident_id, dwelling_id, address_text, latitude, longitude, assignee_id, photo_ids, idempotency_key, origin_key,
         reported_at, updated_at, accept_due_at, resolve_due_at, subject_resident_id, wellbeing_agreement_id)
       VALUES ($1, $23, $2, $3, $4, $5, $6, $7, $8, $9::ltree, $10, $11, $12, $13, $14, $15, $16, $17::uuid[], $18, $19, $20, $20, $21, $22,
         $24, $25)
       ON CONFLICT DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        randomUUID(),
        n.title,
        n.description,
        n.category,
        n.subcategory,
        n.priority,
        n.source,
        n.gridId,
        n.gridPath,
        n.reporterId,
        n.reporterResidentId,
        n.dwellingId,
        n.addressText,
        n.latitude,
        n.longitude,
        n.assigneeId,
        n.photoIds,
        n.idempotencyKey,
        n.originKey,
        now,
        due.acceptDueAt,
        due.resolveDueAt,
        number,
        n.subjectResidentId,
        n.wellbeingAgreementId,
      ],
    );
    if (!row) return undefined;
    await addToTimeline(manager, {
      incidentId: row.id,
      action: 'REPORT',
      from: null,
      to: 'REPORTED',
      actorId: n.reporterId,
      at: now,
      note: null,
    });
    const data: IncidentReportedData = {
      incidentId: row.id,
      number: row.number,
      gridId: row.gridId,
      gridPath: row.gridPath,
      category: row.category,
      priority: row.priority,
      source: row.source,
      reportedAt: now.toISOString(),
    };
    await this.outbox.add(manager, { type: IncidentEvents.reported, aggregateType: 'Incident', aggregateId: row.id, data, time: now });
    if (n.assigneeId) {
      await addToTimeline(manager, {
        incidentId: row.id,
        action: 'ASSIGN',
        from: 'REPORTED',
        to: 'REPORTED',
        actorId: n.reporterId,
        at: now,
        note: null,
      });
      await this.assignedEvent(manager, row, n.assigneeId, n.reporterId, now);
    }
    return row;
  }

  /** One step of the workflow: guarded by state and role, written to the timeline, announced. */
  async transition(
    principal: Principal,
    action: WorkflowAction,
    id: string,
    note: string | null,
    reason: string | null = null,
  ): Promise<IncidentType> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.lockForUpdate(manager, principal, id, STEP_RULES[action]);
      const leads =
        TRANSITIONS[action].gridLeader && mayActAsGridLeader(principal)
          ? leadsGrid((await this.leaders.ledPaths([principal.userId], this.clock.now(), manager))[0], row.gridPath)
          : false;
      const check = checkTransition(action, row.status, principal, row.reporterId, leads);
      if (!check.ok) {
        // A phone retrying a step that already went through gets the incident back, not an error.
        if (check.why === 'STATE' && (await lastStepWas(manager, id, action, principal.userId))) return toIncidentType(row);
        throw check.why === 'STATE' ? IncidentErrors.illegalTransition(action, row.status) : IncidentErrors.notAllowed(action);
      }
      return toIncidentType(await this.apply(manager, row, action, check.to, principal.userId, note, reason));
    });
  }

  /** Takes a step already checked (or one the system takes): the row, the timeline, the event. */
  async apply(
    manager: EntityManager,
    row: IncidentRow,
    action: WorkflowAction,
    to: IncidentStatus,
    actorId: string,
    note: string | null,
    reason: string | null,
  ): Promise<IncidentRow> {
    const now = this.clock.now();
    const [updated] = await returning<IncidentRow>(
      manager,
      `UPDATE incident SET status = $2::incident_status, updated_at = $3,
         rejection_reason = CASE WHEN $2::incident_status = 'REJECTED' THEN $4::text ELSE rejection_reason END,
         resolved_at = CASE WHEN $2::incident_status = 'RESOLVED' THEN $3 WHEN $5::text = 'REOPEN' THEN NULL ELSE resolved_at END,
         closed_at = CASE WHEN $2::incident_status = 'CLOSED' THEN $3 ELSE closed_at END,
         assignee_id = CASE WHEN $5::text = 'ACCEPT' AND assignee_id IS NULL THEN $6::text ELSE assignee_id END
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [row.id, to, now, reason, action, actorId],
    );
    await addToTimeline(manager, { incidentId: row.id, action, from: row.status, to, actorId, at: now, note: reason ?? note });
    const data: IncidentTransitionData = {
      incidentId: row.id,
      number: row.number,
      gridId: row.gridId,
      gridPath: row.gridPath,
      from: row.status,
      to,
      actorId,
      at: now.toISOString(),
    };
    await this.outbox.add(manager, { type: TRANSITION_EVENTS[action], aggregateType: 'Incident', aggregateId: row.id, data, time: now });
    return updated;
  }

  async assign(principal: Principal, input: AssignIncidentInput): Promise<IncidentType> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.lockForUpdate(manager, principal, input.id, RULES.incident.accept);
      if (!isOpen(row.status)) throw IncidentErrors.finished(row.status);
      if (row.assigneeId === input.assigneeId) return toIncidentType(row);
      const now = this.clock.now();
      const [updated] = await returning<IncidentRow>(
        manager,
        `UPDATE incident SET assignee_id = $2, updated_at = $3 WHERE id = $1 RETURNING ${COLUMNS}`,
        [row.id, input.assigneeId, now],
      );
      await addToTimeline(manager, {
        incidentId: row.id,
        action: 'ASSIGN',
        from: row.status,
        to: row.status,
        actorId: principal.userId,
        at: now,
        note: null,
      });
      await this.assignedEvent(manager, row, input.assigneeId, principal.userId, now);
      return toIncidentType(updated);
    });
  }

  /** Up one level by hand; as a dispute it goes to mediation (which registers it from the event). */
  async escalate(principal: Principal, input: EscalateIncidentInput): Promise<IncidentType> {
    if (input.disputeKind && !input.asDispute) throw IncidentErrors.disputeKindWithoutDispute();
    return this.dataSource.transaction(async (manager) => {
      const row = await this.lockForUpdate(manager, principal, input.id, RULES.incident.work);
      if (!isOpen(row.status)) throw IncidentErrors.finished(row.status);
      await this.assertRegistryInReach(principal, manager, input.residentIds);
      const to = nextLevel(row.escalationLevel) ?? (input.asDispute ? row.escalationLevel : null);
      if (!to) throw IncidentErrors.topLevel();
      const updated = await this.raiseLevel(manager, row, to, principal.userId, input.note ?? null, {
        asDispute: input.asDispute,
        // The input is checked against the dispute kinds; a dispute's subcategory is one unless the
        // taxonomy was given others, which mediation registers as OTHER.
        disputeKind: input.asDispute ? asDisputeKind(input.disputeKind ?? (row.category === 'DISPUTE' ? row.subcategory : null)) : null,
        residentIds: input.residentIds,
      });
      return toIncidentType(updated);
    });
  }

  /** One level up with a fresh service level: by hand (escalate) or for a missed deadline (the overdue job). */
  async raiseLevel(
    manager: EntityManager,
    row: IncidentRow,
    to: EscalationLevelCode,
    actorId: string,
    note: string | null,
    dispute: EscalationAsDispute,
  ): Promise<IncidentRow> {
    const now = this.clock.now();
    // The new level gets a whole service level of its own from now; its own misses may escalate again.
    const due = deadlinesFrom(this.taxonomy.get(row.category)!.serviceLevel, row.priority, now);
    const [updated] = await returning<IncidentRow>(
      manager,
      `UPDATE incident SET escalation_level = $2, ever_escalated = true, updated_at = $3,
         accept_due_at = CASE WHEN status IN ${AWAITING_ACCEPT_SQL} THEN $4::timestamptz ELSE accept_due_at END,
         resolve_due_at = $5::timestamptz,
         accept_overdue_at = CASE WHEN status IN ${AWAITING_ACCEPT_SQL} THEN NULL ELSE accept_overdue_at END, resolve_overdue_at = NULL
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [row.id, to, now, due.acceptDueAt, due.resolveDueAt],
    );
    await addToTimeline(manager, {
      incidentId: row.id,
      action: 'ESCALATE',
      from: row.status,
      to: row.status,
      actorId,
      at: now,
      note: note ?? `${row.escalationLevel} → ${to}${dispute.asDispute ? ' (dispute)' : ''}`,
    });
    const data: IncidentEscalatedData = {
      incidentId: row.id,
      number: row.number,
      gridId: row.gridId,
      gridPath: row.gridPath,
      fromLevel: row.escalationLevel,
      toLevel: to,
      asDispute: dispute.asDispute,
      disputeKind: dispute.disputeKind,
      residentIds: dispute.residentIds,
      escalatedAt: now.toISOString(),
    };
    await this.outbox.add(manager, {
      type: ReactionEvents.incidentEscalated,
      aggregateType: 'Incident',
      aggregateId: row.id,
      data,
      time: now,
    });
    return updated;
  }

  /** NOT_FOUND for a resident or dwelling id that names nothing in the caller's registry reach. */
  private async assertRegistryInReach(
    principal: Principal,
    manager: EntityManager,
    residentIds: readonly string[],
    dwellingId?: string,
  ): Promise<void> {
    const [resident] = await this.registry.residentsOutOfReach(principal, RULES.registry.read, [...new Set(residentIds)], manager);
    if (resident) throw IncidentErrors.residentNotFound(resident);
    if (dwellingId && (await this.registry.dwellingsOutOfReach(principal, RULES.registry.read, [dwellingId], manager)).length > 0) {
      throw IncidentErrors.dwellingNotFound(dwellingId);
    }
  }

  /** Locks the row for a step under the step's rule; an incident out of the principal's reach does not exist for them. */
  async lockForUpdate(manager: EntityManager, principal: Principal, id: string, rule: AccessRule): Promise<IncidentRow> {
    const params: unknown[] = [id];
    const [row] = await manager.query<IncidentRow[]>(
      `SELECT ${COLUMNS} FROM incident WHERE id = $1 AND ${readCondition(principal, params, 'incident', rule)} FOR UPDATE`,
      params,
    );
    if (!row) throw IncidentErrors.notFound(id);
    return row;
  }

  private async assignedEvent(manager: EntityManager, row: IncidentRow, assigneeId: string, actorId: string, at: Date): Promise<void> {
    const data: IncidentAssignedData = {
      incidentId: row.id,
      number: row.number,
      gridId: row.gridId,
      gridPath: row.gridPath,
      assigneeId,
      actorId,
      at: at.toISOString(),
    };
    await this.outbox.add(manager, { type: IncidentEvents.assigned, aggregateType: 'Incident', aggregateId: row.id, data, time: at });
  }

  private async byIdempotencyKey(manager: EntityManager, reporterId: string, key: string): Promise<IncidentRow | undefined> {
    const [row] = await manager.query<IncidentRow[]>(
      `SELECT ${COLUMNS} FROM incident WHERE reporter_id = $1 AND idempotency_key = $2 AND idempotency_key IS NOT NULL`,
      [reporterId, key],
    );
    return row;
  }

  private replay(first: IncidentRow, input: ReportIncidentInput): IncidentType {
    if (!sameReport(first, input)) throw IncidentErrors.idempotencyKeyReused();
    return toIncidentType(first);
  }
}
