import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessRule, Principal, reachCondition, RULES } from '@civgrid/auth';
import { DepartmentOverdueData, DepartmentReportedData, IncidentEvents, WhistleBlownData, EventPayloads } from '@civgrid/contracts';
import { IncidentStatus } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import {
  Clock,
  Connection,
  DepartmentReplicaService,
  groupByKeys,
  keysetSql,
  listPage,
  orderByKeys,
  queryRows,
  returning,
  sql,
  toConnection,
} from '@civgrid/service-kit';
import { IncidentService } from '../incident/incident.service';
import { addToTimeline, SYSTEM_ACTORS } from '../incident/incident-timeline';
import { isOpen } from '../incident/incident.workflow';
import { WhistleErrors } from './whistle.errors';
import { BlowWhistleInput, ReportToWhistleInput, WhistlesArgs } from './whistle.inputs';
import { WhistleDepartmentStatusEnum, WhistleType } from './whistle.type';

interface DepartmentJson {
  departmentId: string;
  reportedAt: string | null;
  reportedBy: string | null;
  response: string | null;
  late: boolean | null;
  overdueAt: string | null;
}

interface WhistleRow {
  id: string;
  incidentId: string;
  gridPath: string;
  blownBy: string;
  blownAt: Date;
  dueAt: Date;
  note: string | null;
  sortKey: string;
  departments: DepartmentJson[];
}

const WHISTLE_COLUMNS = `w.id, w.incident_id AS "incidentId", i.grid_path::text AS "gridPath", w.blown_by AS "blownBy", w.blown_at AS "blownAt",
    w.due_at AS "dueAt", w.note, w.blown_at::text AS "sortKey",
    (SELECT json_agg(json_build_object('departmentId', d.department_id, 'reportedAt', d.reported_at, 'reportedBy', d.reported_by,
       'response', d.response, 'late', d.late, 'overdueAt', d.overdue_at) ORDER BY d.department_id) FROM whistle_department d WHERE d.whistle_id = w.id) AS departments`;
const WHISTLE_FROM = `whistle w JOIN incident i ON i.id = w.incident_id`;
const SELECT = `SELECT ${WHISTLE_COLUMNS} FROM ${WHISTLE_FROM}`;

/** Whistles a rule reaches, over `w` joined to its incident `i`: by the incident's place, or addressed to the caller's department. */
const whistleReadCondition = (principal: Principal, params: unknown[], rule: AccessRule = RULES.whistle.read): string =>
  reachCondition(
    principal,
    rule,
    {
      path: 'i.grid_path',
      gridId: 'i.grid_id',
      department: (dept) => `EXISTS (SELECT 1 FROM whistle_department o WHERE o.whistle_id = w.id AND o.department_id = ${dept})`,
    },
    params,
  );

// Newest whistle first.
const BLOWN_ORDER = [
  ['w.blown_at', 'timestamp'],
  ['w.id', 'uuid'],
] as const;

@Injectable()
export class WhistleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox<EventPayloads>,
    private readonly clock: Clock,
    private readonly incidents: IncidentService,
    private readonly departments: DepartmentReplicaService,
  ) {}

  /** Summons departments to an incident; each owes a report by the deadline. */
  async blow(principal: Principal, input: BlowWhistleInput): Promise<WhistleType> {
    const now = this.clock.now();
    if (input.dueAt <= now) throw WhistleErrors.dueInThePast();
    const departmentIds = [...new Set(input.departmentIds)];
    const id = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      const incident = await this.incidents.lockForUpdate(manager, principal, input.incidentId, RULES.whistle.blow);
      const unknown = await this.departments.unknown(departmentIds, manager);
      if (unknown.length > 0) throw WhistleErrors.unknownDepartments(unknown);
      if (!isOpen(incident.status)) throw WhistleErrors.incidentFinished(incident.status);
      await manager.query(`INSERT INTO whistle (id, incident_id, blown_by, blown_at, due_at, note) VALUES ($1, $2, $3, $4, $5, $6)`, [
        id,
        incident.id,
        principal.userId,
        now,
        input.dueAt,
        input.note ?? null,
      ]);
      await manager.query(`INSERT INTO whistle_department (whistle_id, department_id) SELECT $1, unnest($2::uuid[])`, [id, departmentIds]);
      const data: WhistleBlownData = {
        whistleId: id,
        incidentId: incident.id,
        gridPath: incident.gridPath,
        departmentIds,
        dueAt: input.dueAt.toISOString(),
        blownAt: now.toISOString(),
      };
      await this.outbox.add(manager, {
        type: IncidentEvents.whistleBlown,
        aggregateType: 'Incident',
        aggregateId: incident.id,
        data,
        time: now,
      });
    });
    return this.byId(principal, id);
  }

  /** A department reports for duty; reporting after the deadline is recorded as late. */
  async report(principal: Principal, input: ReportToWhistleInput): Promise<WhistleType> {
    const departmentId = principal.departmentId;
    if (!departmentId) throw WhistleErrors.noDepartment();
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      // A whistle that did not summon the caller's department does not exist for them.
      const params: unknown[] = [input.whistleId, departmentId];
      const [row] = await manager.query<
        { incidentId: string; dueAt: Date; reportedAt: Date | null; response: string | null; reportedBy: string | null }[]
      >(
        `SELECT w.incident_id AS "incidentId", w.due_at AS "dueAt", d.reported_at AS "reportedAt", d.response, d.reported_by AS "reportedBy"
           FROM whistle w JOIN incident i ON i.id = w.incident_id JOIN whistle_department d ON d.whistle_id = w.id AND d.department_id = $2::uuid
          WHERE w.id = $1 AND ${whistleReadCondition(principal, params, RULES.whistle.report)} FOR UPDATE OF w`,
        params,
      );
      if (!row) throw WhistleErrors.notFound(input.whistleId);
      if (row.reportedAt) {
        // The same answer sent again (a retry) is accepted as it stands; a different one is refused.
        if (row.response === input.response && row.reportedBy === principal.userId) return;
        throw WhistleErrors.alreadyReported();
      }
      const late = now > row.dueAt;
      await manager.query(
        `UPDATE whistle_department SET reported_at = $3, reported_by = $4, response = $5, late = $6 WHERE whistle_id = $1 AND department_id = $2`,
        [input.whistleId, departmentId, now, principal.userId, input.response, late],
      );
      const data: DepartmentReportedData = {
        whistleId: input.whistleId,
        incidentId: row.incidentId,
        departmentId,
        late,
        reportedAt: now.toISOString(),
      };
      await this.outbox.add(manager, {
        type: IncidentEvents.departmentReported,
        aggregateType: 'Incident',
        aggregateId: row.incidentId,
        data,
        time: now,
      });
    });
    return this.byId(principal, input.whistleId);
  }

  /**
   * One round of the overdue job for whistles: every summoned department still silent at its
   * deadline is marked once (the mark is the row's overdue_at, so a restart or another instance
   * finds nothing left), written to its incident's timeline and announced as department-overdue.
   */
  async markSilent(now: Date, manager: EntityManager): Promise<number> {
    const rows = await returning<{ whistleId: string; departmentId: string; incidentId: string; status: IncidentStatus; dueAt: Date }>(
      manager,
      `UPDATE whistle_department d SET overdue_at = $1 FROM whistle w JOIN incident i ON i.id = w.incident_id
        WHERE w.id = d.whistle_id AND (d.whistle_id, d.department_id) IN (
          SELECT s.whistle_id, s.department_id FROM whistle_department s JOIN whistle sw ON sw.id = s.whistle_id
           WHERE s.reported_at IS NULL AND s.overdue_at IS NULL AND sw.due_at <= $1
           ORDER BY sw.due_at LIMIT 500 FOR UPDATE OF s SKIP LOCKED)
        RETURNING d.whistle_id AS "whistleId", d.department_id AS "departmentId", w.incident_id AS "incidentId", i.status,
          w.due_at AS "dueAt"`,
      [now],
    );
    for (const row of rows) {
      await addToTimeline(manager, {
        incidentId: row.incidentId,
        action: 'OVERDUE',
        from: row.status,
        to: row.status,
        actorId: SYSTEM_ACTORS.sla,
        at: now,
        note: `department ${row.departmentId} did not report to the whistle by ${row.dueAt.toISOString()}`,
      });
      const data: DepartmentOverdueData = {
        whistleId: row.whistleId,
        incidentId: row.incidentId,
        departmentId: row.departmentId,
        dueAt: row.dueAt.toISOString(),
        detectedAt: now.toISOString(),
      };
      await this.outbox.add(manager, {
        type: IncidentEvents.departmentOverdue,
        aggregateType: 'Incident',
        aggregateId: row.incidentId,
        data,
        time: now,
      });
    }
    return rows.length;
  }

  async byId(principal: Principal, id: string): Promise<WhistleType> {
    const params: unknown[] = [id];
    const [row] = await this.dataSource.query<WhistleRow[]>(
      `${SELECT} WHERE w.id = $1 AND ${whistleReadCondition(principal, params)}`,
      params,
    );
    if (!row) throw WhistleErrors.notFound(id);
    return this.toType(row);
  }

  /** One statement for a batch of references; a whistle the caller may not see is not found. */
  async loadByIds(principal: Principal, ids: readonly string[]): Promise<(WhistleType | Error)[]> {
    const params: unknown[] = [ids];
    const rows = await this.dataSource.query<WhistleRow[]>(
      `${SELECT} WHERE w.id = ANY($1::uuid[]) AND ${whistleReadCondition(principal, params)}`,
      params,
    );
    return orderByKeys(
      ids,
      rows.map((r) => this.toType(r)),
      (w) => w.id,
      (id) => WhistleErrors.notFound(id),
    );
  }

  /** A department officer's inbox (or what an officer may see), newest first. */
  async list(principal: Principal, args: WhistlesArgs): Promise<Connection<WhistleType>> {
    const pendingFor = (): string => {
      if (!principal.departmentId) throw WhistleErrors.noDepartment();
      return principal.departmentId;
    };
    return listPage(this.dataSource, {
      columns: sql.raw(WHISTLE_COLUMNS),
      from: sql.raw(WHISTLE_FROM),
      where: [
        sql.params((params) => whistleReadCondition(principal, params)),
        args.pending
          ? sql`EXISTS (SELECT 1 FROM whistle_department p WHERE p.whistle_id = w.id AND p.department_id = ${pendingFor()}::uuid AND p.reported_at IS NULL)`
          : undefined,
      ],
      keys: BLOWN_ORDER,
      direction: 'DESC',
      page: args,
      map: (r: WhistleRow) => this.toType(r),
      cursorOf: (r) => [r.sortKey, r.id],
    });
  }

  /** The whistles of a batch of incidents, in one statement. */
  async loadByIncidents(principal: Principal, ids: readonly string[]): Promise<WhistleType[][]> {
    const params: unknown[] = [ids];
    const rows = await this.dataSource.query<WhistleRow[]>(
      `${SELECT} WHERE w.incident_id = ANY($1::uuid[]) AND ${whistleReadCondition(principal, params)} ORDER BY w.blown_at, w.id`,
      params,
    );
    return groupByKeys(
      ids,
      rows.map((r) => this.toType(r)),
      (w) => w.incidentId,
    );
  }

  /** `Department.whistles` for a batch of departments, newest first: one statement with a lateral page per department. */
  async loadByDepartments(principal: Principal, departmentIds: readonly string[], args: WhistlesArgs): Promise<Connection<WhistleType>[]> {
    const filter = sql.and([
      sql.raw(
        `EXISTS (SELECT 1 FROM whistle_department k WHERE k.whistle_id = w.id AND k.department_id = g.id${args.pending ? ' AND k.reported_at IS NULL' : ''})`,
      ),
      sql.params((params) => whistleReadCondition(principal, params)),
    ]);
    const page = sql.and([filter, keysetSql(args.after, BLOWN_ORDER, 'DESC')]);
    const rows = await queryRows<Partial<WhistleRow> & { key: string; total: number }>(
      this.dataSource,
      sql`SELECT g.id AS key, c.total, p.*
         FROM unnest(${departmentIds}::uuid[]) AS g (id)
         CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM ${sql.raw(WHISTLE_FROM)} WHERE ${filter}) c
         LEFT JOIN LATERAL (${sql.raw(SELECT)} WHERE ${page} ORDER BY w.blown_at DESC, w.id DESC LIMIT ${args.first + 1}) p ON TRUE
        ORDER BY g.id, p."blownAt" DESC, p.id DESC`,
    );
    const byKey = new Map<string, { total: number; rows: WhistleRow[] }>();
    for (const { key, total, ...whistle } of rows) {
      const entry = byKey.get(key) ?? { total, rows: [] };
      if (whistle.id) entry.rows.push(whistle as WhistleRow);
      byKey.set(key, entry);
    }
    return departmentIds.map((id) => {
      const entry = byKey.get(id) ?? { total: 0, rows: [] };
      return toConnection(
        entry.rows,
        args.first,
        entry.total,
        (r) => this.toType(r),
        (r) => [r.sortKey, r.id],
      );
    });
  }

  private toType(row: WhistleRow): WhistleType {
    const now = this.clock.now();
    return {
      id: row.id,
      incidentId: row.incidentId,
      gridPath: row.gridPath,
      blownBy: row.blownBy,
      blownAt: row.blownAt,
      dueAt: row.dueAt,
      note: row.note,
      sortKey: row.sortKey,
      departments: (row.departments ?? []).map((d) => ({
        department: { __typename: 'Department', id: d.departmentId },
        // Silent past the deadline is OVERDUE at once, before the job has marked it (overdueAt says when it did).
        status: d.reportedAt
          ? d.late
            ? WhistleDepartmentStatusEnum.REPORTED_LATE
            : WhistleDepartmentStatusEnum.REPORTED
          : d.overdueAt || now > row.dueAt
            ? WhistleDepartmentStatusEnum.OVERDUE
            : WhistleDepartmentStatusEnum.SUMMONED,
        reportedAt: d.reportedAt ? new Date(d.reportedAt) : null,
        reportedBy: d.reportedBy,
        response: d.response,
        late: d.late,
        overdueAt: d.overdueAt ? new Date(d.overdueAt) : null,
      })),
    };
  }
}
