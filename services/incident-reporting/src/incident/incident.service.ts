import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessRule, assertCanAskAbout, isUuid, Principal, reachCondition, RULES } from '@civgrid/auth';
import {
  DisputeClosedData,
  IncidentAssignedData,
  IncidentCategory,
  IncidentEscalatedData,
  IncidentEvents,
  IncidentPriority,
  IncidentReportedData,
  IncidentSource,
  IncidentStatus,
  IncidentTransitionData,
  OverdueKind,
  ReactionEvents,
  WellbeingCheckMissedData,
} from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import {
  Clock,
  CONFIG,
  Connection,
  GridReplicaService,
  groupByKeys,
  keysetCondition,
  orderByKeys,
  RegistryReplicaService,
  returning,
  toConnection,
} from '@civgrid/service-kit';
import { IncidentReportingConfig } from '../config/config';
import { hasControlCharacters } from '../http/validation';
import { PhotoService } from '../photo/photo.service';
import { buildTaxonomy, deadlinesFrom, EscalationLevelCode, nextLevel, Taxonomy } from '../taxonomy/taxonomy';
import { IncidentErrors } from './incident.errors';
import { GridLeaders, leadsGrid } from './grid-leaders';
import { checkTransition, isOpen, mayActAsGridLeader, TRANSITIONS, WorkflowAction } from './incident.workflow';
import {
  AssignIncidentInput,
  EscalateIncidentInput,
  GridIncidentsArgs,
  IncidentsArgs,
  ReportIncidentInput,
  ResolvedInTheBudArgs,
} from './dto/incident.inputs';
import {
  EscalationLevelEnum,
  IncidentActionEnum,
  IncidentCategoryEnum,
  IncidentPriorityEnum,
  IncidentSourceEnum,
  IncidentStatusEnum,
  IncidentTimelineEntryType,
  IncidentType,
  ResolvedInTheBudType,
} from './dto/incident.type';

/** A row as the queries below select it, plus the exact sort key for cursors. */
export interface IncidentRow {
  id: string;
  number: string;
  title: string;
  description: string;
  category: IncidentCategory;
  subcategory: string | null;
  priority: IncidentPriority;
  status: IncidentStatus;
  source: IncidentSource;
  gridId: string;
  gridPath: string;
  reporterId: string | null;
  reporterResidentId: string | null;
  dwellingId: string | null;
  addressText: string | null;
  latitude: number | null;
  longitude: number | null;
  assigneeId: string | null;
  escalationLevel: EscalationLevelCode;
  everEscalated: boolean;
  acceptDueAt: Date | null;
  resolveDueAt: Date | null;
  acceptOverdueAt: Date | null;
  resolveOverdueAt: Date | null;
  rejectionReason: string | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  updatedAt: Date;
  photoIds: string[];
  idempotencyKey: string | null;
  subjectResidentId: string | null;
  wellbeingAgreementId: string | null;
  reportedAt: Date;
  sortKey: string;
}

// `sortKey` is reported_at as text: microseconds survive the round trip a JS Date would truncate.
export const COLUMNS = `id, number, title, description, category, subcategory, priority, status, source, grid_id AS "gridId",
  grid_path::text AS "gridPath", reporter_id AS "reporterId", reporter_resident_id AS "reporterResidentId", dwelling_id AS "dwellingId",
  address_text AS "addressText", latitude, longitude, assignee_id AS "assigneeId", escalation_level AS "escalationLevel",
  ever_escalated AS "everEscalated", accept_due_at AS "acceptDueAt", resolve_due_at AS "resolveDueAt",
  accept_overdue_at AS "acceptOverdueAt", resolve_overdue_at AS "resolveOverdueAt", rejection_reason AS "rejectionReason",
  resolved_at AS "resolvedAt", closed_at AS "closedAt", updated_at AS "updatedAt", photo_ids::text[] AS "photoIds",
  idempotency_key AS "idempotencyKey", subject_resident_id AS "subjectResidentId", wellbeing_agreement_id AS "wellbeingAgreementId",
  reported_at AS "reportedAt", reported_at::text AS "sortKey"`;

const NEWEST_FIRST = 'reported_at DESC, id DESC';

// The statuses that still owe work (isOpen), in SQL.
const OPEN_STATUSES = `('REPORTED', 'ACCEPTED', 'IN_PROGRESS')`;

/**
 * Overdue = a deadline that is missed now: still not accepted after the accept deadline was marked
 * missed, or still open after the resolve deadline was. A late accept ends the first; escalation
 * gives fresh deadlines and clears the marks.
 */
const isOverdue = (e: Pick<IncidentRow, 'status' | 'acceptOverdueAt' | 'resolveOverdueAt'>): boolean =>
  (e.status === 'REPORTED' && e.acceptOverdueAt !== null) || (isOpen(e.status) && e.resolveOverdueAt !== null);

/** The same rule in SQL, for the `overdue` filter. */
const OVERDUE_SQL = `((status = 'REPORTED' AND accept_overdue_at IS NOT NULL)
  OR (status IN ${OPEN_STATUSES} AND resolve_overdue_at IS NOT NULL))`;

export const toIncidentType = (e: IncidentRow): IncidentType => ({
  id: e.id,
  number: e.number,
  title: e.title,
  description: e.description,
  category: e.category as IncidentCategoryEnum,
  subcategory: e.subcategory,
  priority: e.priority as IncidentPriorityEnum,
  status: e.status as IncidentStatusEnum,
  source: e.source as IncidentSourceEnum,
  reportedAt: e.reportedAt,
  reportedBy: e.reporterId,
  assigneeId: e.assigneeId,
  gridId: e.gridId,
  gridPath: e.gridPath,
  location: {
    dwelling: e.dwellingId ? { __typename: 'Dwelling', id: e.dwellingId } : null,
    addressText: e.addressText,
    latitude: e.latitude,
    longitude: e.longitude,
  },
  escalationLevel: e.escalationLevel as EscalationLevelEnum,
  acceptDueAt: e.acceptDueAt,
  resolveDueAt: e.resolveDueAt,
  overdue: isOverdue(e),
  rejectionReason: e.rejectionReason,
  resolvedAt: e.resolvedAt,
  closedAt: e.closedAt,
  updatedAt: e.updatedAt,
  reporterResidentId: e.reporterResidentId,
  subjectResidentId: e.subjectResidentId,
  wellbeingAgreementId: e.wellbeingAgreementId,
  photoIds: e.photoIds,
});

const cursorOf = (r: IncidentRow): string[] => [r.sortKey, r.id];

/**
 * The incidents a rule of the table lets the principal reach, over `incident` (or its alias): by
 * grid and area, and for a department officer those whistled to their department.
 */
export const readCondition = (
  principal: Principal,
  params: unknown[],
  alias = 'incident',
  rule: AccessRule = RULES.incident.read,
): string =>
  reachCondition(
    principal,
    rule,
    {
      path: `${alias}.grid_path`,
      gridId: `${alias}.grid_id`,
      department: (dept) =>
        `EXISTS (SELECT 1 FROM whistle dw JOIN whistle_department dd ON dd.whistle_id = dw.id WHERE dw.incident_id = ${alias}.id AND dd.department_id = ${dept})`,
    },
    params,
  );

/** The rule a workflow step follows (who may take it beyond the reach is the workflow's table). */
export const STEP_RULES: Record<WorkflowAction, AccessRule> = {
  ACCEPT: RULES.incident.accept,
  REJECT: RULES.incident.accept,
  START: RULES.incident.work,
  RESOLVE: RULES.incident.work,
  CLOSE: RULES.incident.verify,
  REOPEN: RULES.incident.verify,
};

/** Appends the keyset condition for "after this cursor, newest first". */
function afterCursor(cursor: string | undefined, params: unknown[]): string | undefined {
  return keysetCondition(
    cursor,
    [
      ['reported_at', 'timestamp'],
      ['id', 'uuid'],
    ],
    'DESC',
    params,
  );
}

function listFilters(args: GridIncidentsArgs & { overdue?: boolean }, params: unknown[]): string[] {
  const where: string[] = [];
  if (args.status) {
    params.push(args.status);
    where.push(`status = $${params.length}`);
  }
  if (args.open === true) where.push(`status IN ${OPEN_STATUSES}`);
  if (args.open === false) where.push(`status NOT IN ${OPEN_STATUSES}`);
  if (args.overdue === true) where.push(OVERDUE_SQL);
  if (args.overdue === false) where.push(`NOT ${OVERDUE_SQL}`);
  return where;
}

const sameReport = (e: IncidentRow, input: ReportIncidentInput): boolean =>
  e.gridId === input.gridId &&
  e.title === input.title &&
  e.description === input.description &&
  e.category === (input.category as string) &&
  (e.subcategory ?? undefined) === (input.subcategory ?? undefined) &&
  e.priority === (input.priority as string) &&
  e.source === (input.source as string);

const SYSTEM = { population: 'system:wellbeing-check', mediation: 'system:dispute-mediation', sla: 'system:service-level' } as const;

const TRANSITION_EVENTS: Record<WorkflowAction, string> = {
  ACCEPT: IncidentEvents.accepted,
  START: IncidentEvents.transitioned,
  RESOLVE: IncidentEvents.resolved,
  CLOSE: IncidentEvents.closed,
  REJECT: IncidentEvents.transitioned,
  REOPEN: IncidentEvents.reopened,
};

interface NewIncident {
  gridId: string;
  gridPath: string;
  title: string;
  description: string;
  category: IncidentCategory;
  subcategory: string | null;
  priority: IncidentPriority;
  source: IncidentSource;
  reporterId: string;
  reporterResidentId: string | null;
  dwellingId: string | null;
  addressText: string | null;
  latitude: number | null;
  longitude: number | null;
  assigneeId: string | null;
  photoIds: string[];
  idempotencyKey: string | null;
  originKey: string | null;
  subjectResidentId: string | null;
  wellbeingAgreementId: string | null;
}

/**
 * What a reader outside the service (Open311) may see: incidents of the published categories
 * anywhere, and, where a client's key allows it, those of other categories in its areas. Care
 * alerts never: they name a resident to visit.
 */
export interface PublicVisibility {
  categories: readonly string[];
  alsoAllCategoriesIn?: readonly string[];
}

export interface PublicIncidentQuery {
  visibility: PublicVisibility;
  numbers?: readonly string[];
  reportedFrom?: Date;
  reportedTo?: Date;
  /** Category, and subcategory or null for the whole category. */
  services?: readonly { category: string; subcategory: string | null }[];
  /** true: reported, accepted or in progress; false: the others; undefined: both. */
  open?: boolean;
  limit: number;
}

/** One entry of an incident's timeline with what a public reader needs of its incident. */
export interface PublicTimelineRow {
  id: string;
  action: string;
  toStatus: IncidentStatus;
  at: Date;
  note: string | null;
  number: string;
  source: IncidentSource;
  gridPath: string;
}

function visibilityCondition(v: PublicVisibility, params: unknown[], table = 'incident'): string {
  params.push(v.categories);
  const published = `${table}.category::text = ANY($${params.length}::text[])`;
  if (!v.alsoAllCategoriesIn?.length) return `${table}.category <> 'CARE_ALERT' AND ${published}`;
  params.push(v.alsoAllCategoriesIn);
  return `${table}.category <> 'CARE_ALERT' AND (${published} OR ${table}.grid_path <@ $${params.length}::ltree[])`;
}

@Injectable()
export class IncidentService {
  readonly taxonomy: Taxonomy;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly grids: GridReplicaService,
    private readonly clock: Clock,
    private readonly photos: PhotoService,
    private readonly leaders: GridLeaders,
    private readonly registry: RegistryReplicaService,
    @Inject(CONFIG) config: IncidentReportingConfig,
  ) {
    this.taxonomy = buildTaxonomy(config);
  }

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
  private async insert(manager: EntityManager, n: NewIncident): Promise<IncidentRow | undefined> {
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
    await this.timeline(manager, row.id, 'REPORT', null, 'REPORTED', n.reporterId, now, null);
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
      await this.timeline(manager, row.id, 'ASSIGN', 'REPORTED', 'REPORTED', n.reporterId, now, null);
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
        if (check.why === 'STATE' && (await this.lastStepWas(manager, id, action, principal.userId))) return toIncidentType(row);
        throw check.why === 'STATE' ? IncidentErrors.illegalTransition(action, row.status) : IncidentErrors.notAllowed(action);
      }
      return toIncidentType(await this.apply(manager, row, action, check.to, principal.userId, note, reason));
    });
  }

  private async apply(
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
    await this.timeline(manager, row.id, action, row.status, to, actorId, now, reason ?? note);
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
      await this.timeline(manager, row.id, 'ASSIGN', row.status, row.status, principal.userId, now, null);
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
        disputeKind: input.asDispute
          ? (input.disputeKind ?? (row.category === 'DISPUTE' && row.subcategory ? row.subcategory : 'OTHER'))
          : null,
        residentIds: input.residentIds,
      });
      return toIncidentType(updated);
    });
  }

  private async raiseLevel(
    manager: EntityManager,
    row: IncidentRow,
    to: EscalationLevelCode,
    actorId: string,
    note: string | null,
    dispute: { asDispute: boolean; disputeKind: string | null; residentIds: string[] },
  ): Promise<IncidentRow> {
    const now = this.clock.now();
    // The new level gets a whole service level of its own from now; its own misses may escalate again.
    const due = deadlinesFrom(this.taxonomy.get(row.category)!.serviceLevel, row.priority, now);
    const [updated] = await returning<IncidentRow>(
      manager,
      `UPDATE incident SET escalation_level = $2, ever_escalated = true, updated_at = $3,
         accept_due_at = CASE WHEN status = 'REPORTED' THEN $4::timestamptz ELSE accept_due_at END, resolve_due_at = $5::timestamptz,
         accept_overdue_at = CASE WHEN status = 'REPORTED' THEN NULL ELSE accept_overdue_at END, resolve_overdue_at = NULL
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [row.id, to, now, due.acceptDueAt, due.resolveDueAt],
    );
    await this.timeline(
      manager,
      row.id,
      'ESCALATE',
      row.status,
      row.status,
      actorId,
      now,
      note ?? `${row.escalationLevel} → ${to}${dispute.asDispute ? ' (dispute)' : ''}`,
    );
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

  /**
   * One round of the overdue job: marks every missed deadline once (the mark is in the row, so a
   * restart or another instance finds nothing left to do), announces it, and escalates where the
   * category says so.
   */
  async markOverdue(now: Date, manager: EntityManager): Promise<number> {
    let count = 0;
    for (const kind of ['ACCEPT', 'RESOLVE'] as OverdueKind[]) {
      const [due, mark, statuses] =
        kind === 'ACCEPT'
          ? ['accept_due_at', 'accept_overdue_at', `('REPORTED')`]
          : ['resolve_due_at', 'resolve_overdue_at', `('REPORTED', 'ACCEPTED', 'IN_PROGRESS')`];
      const rows = await returning<IncidentRow & { dueAt: Date }>(
        manager,
        `UPDATE incident SET ${mark} = $1 WHERE id IN (
           SELECT id FROM incident WHERE ${mark} IS NULL AND ${due} <= $1 AND status IN ${statuses}
           ORDER BY ${due} LIMIT 500 FOR UPDATE SKIP LOCKED)
         RETURNING ${COLUMNS}, ${due} AS "dueAt"`,
        [now],
      );
      for (const row of rows) {
        count++;
        await this.timeline(
          manager,
          row.id,
          'OVERDUE',
          row.status,
          row.status,
          SYSTEM.sla,
          now,
          `${kind.toLowerCase()} deadline ${row.dueAt.toISOString()}`,
        );
        await this.outbox.add(manager, {
          type: IncidentEvents.overdue,
          aggregateType: 'Incident',
          aggregateId: row.id,
          data: {
            incidentId: row.id,
            number: row.number,
            gridId: row.gridId,
            gridPath: row.gridPath,
            kind,
            dueAt: row.dueAt.toISOString(),
            detectedAt: now.toISOString(),
          },
          time: now,
        });
        const to = nextLevel(row.escalationLevel);
        if (to && this.taxonomy.get(row.category)!.serviceLevel.autoEscalate) {
          await this.raiseLevel(manager, row, to, SYSTEM.sla, null, { asDispute: false, disputeKind: null, residentIds: [] });
        }
      }
    }
    return count;
  }

  /** A missed wellbeing check: one urgent care alert per agreement and day, however often the event comes. */
  async openCareAlert(data: WellbeingCheckMissedData, manager: EntityManager): Promise<void> {
    const grid = await this.grids.getMany([data.gridId]);
    await this.insert(manager, {
      gridId: data.gridId,
      gridPath: grid[0]?.path ?? data.gridPath,
      title: `Wellbeing check missed on ${data.day}`,
      description: 'The agreed daily sign was not seen by its deadline: visit and check on the resident.',
      category: 'CARE_ALERT',
      subcategory: 'MISSED_WELLBEING_CHECK',
      priority: 'URGENT',
      source: 'WELLBEING_ALERT',
      reporterId: SYSTEM.population,
      reporterResidentId: null,
      dwellingId: null,
      addressText: null,
      latitude: null,
      longitude: null,
      assigneeId: data.responsibleMemberId,
      photoIds: [],
      idempotencyKey: null,
      originKey: `wellbeing:${data.agreementId}:${data.day}`,
      subjectResidentId: data.residentId,
      wellbeingAgreementId: data.agreementId,
    });
  }

  /** Mediation closed the dispute an incident became: the incident is resolved (if it still owes work). */
  async resolveFromDispute(data: DisputeClosedData, manager: EntityManager): Promise<void> {
    if (!data.originIncidentId) return;
    const [row] = await manager.query<IncidentRow[]>(`SELECT ${COLUMNS} FROM incident WHERE id = $1 FOR UPDATE`, [data.originIncidentId]);
    if (!row) return;
    await manager.query(`UPDATE incident SET dispute_id = $2 WHERE id = $1`, [row.id, data.disputeId]);
    if (!isOpen(row.status)) return;
    await this.apply(manager, row, 'RESOLVE', 'RESOLVED', SYSTEM.mediation, `dispute ${data.number}: ${data.outcome}`, null);
  }

  async byId(principal: Principal, id: string): Promise<IncidentType> {
    const [incident] = await this.loadByIds(principal, [id]);
    if (incident instanceof Error) throw incident;
    return incident;
  }

  /** Open311's reads: newest first, at most `limit`, only what the visibility allows. */
  async publicSearch(q: PublicIncidentQuery): Promise<IncidentRow[]> {
    const params: unknown[] = [];
    const where = [visibilityCondition(q.visibility, params)];
    if (q.numbers) {
      params.push(q.numbers);
      where.push(`number = ANY($${params.length}::text[])`);
    }
    if (q.reportedFrom) {
      params.push(q.reportedFrom);
      where.push(`reported_at >= $${params.length}`);
    }
    if (q.reportedTo) {
      params.push(q.reportedTo);
      where.push(`reported_at <= $${params.length}`);
    }
    if (q.services) {
      params.push(
        q.services.map((c) => c.category),
        q.services.map((c) => c.subcategory ?? ''),
      );
      where.push(
        `EXISTS (SELECT 1 FROM unnest($${params.length - 1}::text[], $${params.length}::text[]) AS c (category, sub)
           WHERE c.category = incident.category::text AND (c.sub = '' OR c.sub = incident.subcategory))`,
      );
    }
    if (q.open === true) where.push(`status IN ${OPEN_STATUSES}`);
    if (q.open === false) where.push(`status NOT IN ${OPEN_STATUSES}`);
    params.push(q.limit);
    return this.dataSource.query<IncidentRow[]>(
      `SELECT ${COLUMNS} FROM incident WHERE ${where.join(' AND ')} ORDER BY ${NEWEST_FIRST} LIMIT $${params.length}`,
      params,
    );
  }

  /** Timeline entries of visible incidents in a period, oldest first, at most `limit` (status updates for Open311). */
  async publicTimeline(q: {
    visibility: PublicVisibility;
    from: Date;
    to: Date;
    actions: readonly string[];
    limit: number;
  }): Promise<PublicTimelineRow[]> {
    const params: unknown[] = [q.from, q.to, q.actions];
    const visible = visibilityCondition(q.visibility, params, 'i');
    params.push(q.limit);
    return this.dataSource.query<PublicTimelineRow[]>(
      `SELECT t.id::text AS id, t.action, t.to_status AS "toStatus", t.at, t.note, i.number, i.source, i.grid_path::text AS "gridPath"
         FROM incident_transition t JOIN incident i ON i.id = t.incident_id
        WHERE t.at >= $1 AND t.at <= $2 AND t.action = ANY($3::text[]) AND ${visible}
        ORDER BY t.at, t.id LIMIT $${params.length}`,
      params,
    );
  }

  /**
   * The incident a reporter filed under one of these idempotency keys at or after `since`: a client
   * that names its retries by a key per period (Open311) finds the first attempt of the period before.
   */
  async reportedWith(reporterId: string, keys: readonly string[], since: Date): Promise<IncidentType | undefined> {
    const [row] = await this.dataSource.query<IncidentRow[]>(
      `SELECT ${COLUMNS} FROM incident WHERE reporter_id = $1 AND idempotency_key = ANY($2::text[]) AND reported_at >= $3
        ORDER BY reported_at LIMIT 1`,
      [reporterId, keys, since],
    );
    return row ? toIncidentType(row) : undefined;
  }

  /** Newest first, keyset-paged on (reported_at, id). */
  async list(principal: Principal, args: IncidentsArgs): Promise<Connection<IncidentType>> {
    const params: unknown[] = [];
    const where = [readCondition(principal, params), ...listFilters(args, params)];
    if (args.gridId) {
      params.push(args.gridId);
      where.push(`grid_id = $${params.length}::uuid`);
    }
    const countParams = [...params];
    const filter = where.join(' AND ');
    const after = afterCursor(args.after, params);
    params.push(args.first + 1);
    const [rows, count] = await Promise.all([
      this.dataSource.query<IncidentRow[]>(
        `SELECT ${COLUMNS} FROM incident WHERE ${after ? `${filter} AND ${after}` : filter} ORDER BY ${NEWEST_FIRST} LIMIT $${params.length}`,
        params,
      ),
      this.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM incident WHERE ${filter}`, countParams),
    ]);
    return toConnection(rows, args.first, count[0]?.n ?? 0, toIncidentType, cursorOf);
  }

  /** One statement for a whole batch of references; an incident out of the reader's reach is not found. */
  async loadByIds(principal: Principal, ids: readonly string[]): Promise<(IncidentType | Error)[]> {
    const params: unknown[] = [ids.filter(isUuid)];
    const rows: IncidentRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM incident WHERE id = ANY($1::uuid[]) AND ${readCondition(principal, params)}`,
      params,
    );
    return orderByKeys(
      ids,
      rows.map(toIncidentType),
      (i) => i.id,
      (id) => IncidentErrors.notFound(id),
    );
  }

  /**
   * One page of incidents for each of many grids (or residents), in one statement: a lateral count
   * and a lateral page per key, each served by an index on (key, reported_at, id).
   */
  async loadByKeys(
    principal: Principal,
    column: 'grid_id' | 'reporter_resident_id',
    keys: readonly string[],
    args: GridIncidentsArgs,
  ): Promise<Connection<IncidentType>[]> {
    const params: unknown[] = [keys];
    const where = [`${column} = g.id`, readCondition(principal, params), ...listFilters(args, params)];
    const filter = where.join(' AND ');
    const after = afterCursor(args.after, params);
    params.push(args.first + 1);
    const rows: (Partial<IncidentRow> & { key: string; total: number })[] = await this.dataSource.query(
      `SELECT g.id AS key, c.total, p.*
         FROM unnest($1::uuid[]) AS g (id)
         CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM incident WHERE ${filter}) c
         LEFT JOIN LATERAL (
           SELECT ${COLUMNS} FROM incident WHERE ${after ? `${filter} AND ${after}` : filter} ORDER BY ${NEWEST_FIRST} LIMIT $${params.length}
         ) p ON TRUE
        ORDER BY g.id, p."reportedAt" DESC, p.id DESC`,
      params,
    );
    const byKey = new Map<string, { total: number; rows: IncidentRow[] }>();
    for (const { key, total, ...incident } of rows) {
      const entry = byKey.get(key) ?? { total, rows: [] };
      if (incident.id) entry.rows.push(incident as IncidentRow);
      byKey.set(key, entry);
    }
    return keys.map((id) => {
      const entry = byKey.get(id) ?? { total: 0, rows: [] };
      return toConnection(entry.rows, args.first, entry.total, toIncidentType, cursorOf);
    });
  }

  /** The timelines of a batch of incidents, oldest entry first, in one statement. */
  async loadTimelines(ids: readonly string[]): Promise<IncidentTimelineEntryType[][]> {
    const rows = await this.dataSource.query<(IncidentTimelineEntryType & { incidentId: string })[]>(
      `SELECT incident_id AS "incidentId", action, from_status AS "from", to_status AS "to", actor_id AS "actorId", at, note
         FROM incident_transition WHERE incident_id = ANY($1::uuid[]) ORDER BY incident_id, id`,
      [ids],
    );
    return groupByKeys(ids, rows, (r) => r.incidentId).map((list) => list.map(({ incidentId: _, ...entry }) => entry));
  }

  /** The share of incidents resolved in a period that never left the grid level. */
  async resolvedInTheBud(principal: Principal, args: ResolvedInTheBudArgs): Promise<ResolvedInTheBudType> {
    assertCanAskAbout(principal, RULES.statistics.read, args.areaPath);
    if (args.from >= args.to) throw IncidentErrors.periodReversed();
    const params: unknown[] = [args.areaPath, args.from, args.to];
    const counted = reachCondition(principal, RULES.statistics.read, { path: 'grid_path', gridId: 'grid_id' }, params);
    const [row] = await this.dataSource.query<{ resolved: number; atGrid: number }[]>(
      `SELECT count(*)::int AS resolved, count(*) FILTER (WHERE NOT ever_escalated)::int AS "atGrid"
         FROM incident WHERE grid_path <@ $1::ltree AND resolved_at >= $2 AND resolved_at < $3 AND status IN ('RESOLVED', 'CLOSED') AND ${counted}`,
      params,
    );
    return {
      areaPath: args.areaPath,
      from: args.from,
      to: args.to,
      resolved: row.resolved,
      resolvedAtGrid: row.atGrid,
      share: row.resolved === 0 ? null : row.atGrid / row.resolved,
    };
  }

  /** The grid paths each of a batch of users leads now (for allowedActions). */
  ledPaths(userIds: readonly string[]): Promise<string[][]> {
    return this.leaders.ledPaths(userIds, this.clock.now());
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

  private async lastStepWas(manager: EntityManager, id: string, action: WorkflowAction, actorId: string): Promise<boolean> {
    const [last] = await manager.query<{ action: string; actorId: string }[]>(
      `SELECT action, actor_id AS "actorId" FROM incident_transition WHERE incident_id = $1 AND action NOT IN ('OVERDUE', 'ESCALATE', 'ASSIGN')
        ORDER BY id DESC LIMIT 1`,
      [id],
    );
    return last?.action === action && last.actorId === actorId;
  }

  private async timeline(
    manager: EntityManager,
    incidentId: string,
    action: keyof typeof IncidentActionEnum,
    from: IncidentStatus | null,
    to: IncidentStatus,
    actorId: string,
    at: Date,
    note: string | null,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO incident_transition (incident_id, action, from_status, to_status, actor_id, at, note) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [incidentId, action, from, to, actorId, at, note],
    );
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
