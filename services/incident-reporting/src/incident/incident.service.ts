import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { assertInScope, assertRole, hasRole, isInScope, Principal, Role } from '@civgrid/auth';
import { IncidentEvents, IncidentReportedData } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { Connection, decodeCursor, GridReplicaService, orderByKeys, toConnection } from '@civgrid/service-kit';
import { IncidentEntity } from './incident.entity';
import { IncidentErrors } from './incident.errors';
import { GridIncidentsArgs, IncidentsArgs, ReportIncidentInput } from './dto/incident.inputs';
import { IncidentCategoryEnum, IncidentPriorityEnum, IncidentSourceEnum, IncidentStatusEnum, IncidentType } from './dto/incident.type';

export const INCIDENT_REPORTERS = [Role.GRID_MEMBER, Role.COMMUNITY_OFFICER, Role.TOWN_OFFICER, Role.DISTRICT_OFFICER, Role.ADMIN];

/** A row as the queries below select it: the entity plus the exact sort key for cursors. */
type IncidentRow = IncidentEntity & { sortKey: string };

// `sortKey` is reported_at as text: microseconds survive the round trip a JS Date would truncate.
const COLUMNS = `id, number, title, description, category, priority, status, source, grid_id AS "gridId", grid_path AS "gridPath",
  reporter_id AS "reporterId", idempotency_key AS "idempotencyKey", reported_at AS "reportedAt", reported_at::text AS "sortKey"`;

const NEWEST_FIRST = 'reported_at DESC, id DESC';

export const toIncidentType = (e: IncidentEntity): IncidentType => ({
  id: e.id,
  number: e.number,
  title: e.title,
  description: e.description,
  category: e.category as IncidentCategoryEnum,
  priority: e.priority as IncidentPriorityEnum,
  status: e.status as IncidentStatusEnum,
  source: e.source as IncidentSourceEnum,
  reportedAt: e.reportedAt,
  gridId: e.gridId,
  gridPath: e.gridPath,
});

const cursorOf = (r: IncidentRow): string[] => [r.sortKey, r.id];

/** A grid member who is nothing else works only in the grids they look after. */
const onlyOwnGrids = (p: Principal): boolean =>
  hasRole(p, Role.GRID_MEMBER) &&
  !hasRole(
    p,
    Role.ADMIN,
    Role.DISTRICT_OFFICER,
    Role.TOWN_OFFICER,
    Role.COMMUNITY_OFFICER,
    Role.ANALYST,
    Role.MEDIATOR,
    Role.DEPARTMENT_OFFICER,
  );

/** Incidents under the principal's areas; a grid member's only in their grids. */
function readCondition(principal: Principal, params: unknown[]): string {
  if (hasRole(principal, Role.ADMIN)) return 'TRUE';
  params.push(principal.areas);
  const inAreas = `grid_path <@ $${params.length}::ltree[]`;
  if (!onlyOwnGrids(principal)) return inAreas;
  params.push(principal.grids);
  return `(${inAreas} AND grid_id = ANY($${params.length}::uuid[]))`;
}

export const canReadIncident = (principal: Principal, incident: Pick<IncidentType, 'gridId' | 'gridPath'>): boolean =>
  isInScope(principal, incident.gridPath) && (!onlyOwnGrids(principal) || principal.grids.includes(incident.gridId));

/** Appends the keyset condition for "after this cursor, newest first". */
function afterCursor(cursor: string | undefined, params: unknown[]): string | undefined {
  const after = decodeCursor(cursor, 2);
  if (!after) return undefined;
  params.push(after[0], after[1]);
  return `(reported_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
}

const sameReport = (e: IncidentType, input: ReportIncidentInput): boolean =>
  e.gridId === input.gridId &&
  e.title === input.title &&
  e.description === input.description &&
  e.category === input.category &&
  e.priority === input.priority &&
  e.source === input.source;

@Injectable()
export class IncidentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly grids: GridReplicaService,
  ) {}

  /**
   * Stores the incident and its event in one transaction. With an idempotency key, a retry (however
   * concurrent) returns the incident of the first attempt and writes nothing.
   */
  async report(principal: Principal, input: ReportIncidentInput): Promise<IncidentType> {
    assertRole(principal, INCIDENT_REPORTERS, 'report incidents');
    const key = input.idempotencyKey ?? null;
    return this.dataSource.transaction(async (manager) => {
      if (key) {
        const earlier = await this.byIdempotencyKey(manager, principal.userId, key);
        if (earlier) return this.replay(earlier, input);
      }
      const grid = await this.grids.get(input.gridId, manager);
      assertInScope(principal, grid.path, 'this grid');
      if (onlyOwnGrids(principal) && !principal.grids.includes(grid.id)) throw IncidentErrors.notYourGrid();
      if (grid.status !== 'ACTIVE') throw IncidentErrors.gridRetired(grid.id);

      // number and reported_at come from the column defaults (the sequence, now()).
      const [row] = await manager.query<IncidentRow[]>(
        `INSERT INTO incident (id, title, description, category, priority, source, grid_id, grid_path, reporter_id, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::ltree, $9, $10)
         ON CONFLICT (reporter_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING ${COLUMNS}`,
        [
          randomUUID(),
          input.title,
          input.description,
          input.category,
          input.priority,
          input.source,
          grid.id,
          grid.path,
          principal.userId,
          key,
        ],
      );
      if (!row) {
        // A concurrent attempt with the same key committed first; this statement's snapshot sees it.
        const first = await this.byIdempotencyKey(manager, principal.userId, key!);
        if (!first) throw new Error('idempotency conflict without a committed incident');
        return this.replay(first, input);
      }
      const data: IncidentReportedData = {
        incidentId: row.id,
        number: row.number,
        gridId: row.gridId,
        gridPath: row.gridPath,
        category: row.category,
        priority: row.priority,
        source: row.source,
        reportedAt: row.reportedAt.toISOString(),
      };
      await this.outbox.add(manager, {
        type: IncidentEvents.reported,
        aggregateType: 'Incident',
        aggregateId: row.id,
        data,
        time: row.reportedAt,
      });
      return toIncidentType(row);
    });
  }

  async byId(principal: Principal, id: string): Promise<IncidentType> {
    const [incident] = (await this.loadByIds([id])) as [IncidentType | Error];
    if (incident instanceof Error || !canReadIncident(principal, incident)) throw IncidentErrors.notFound(id);
    return incident;
  }

  /** Newest first, keyset-paged on (reported_at, id). */
  async list(principal: Principal, args: IncidentsArgs): Promise<Connection<IncidentType>> {
    const params: unknown[] = [];
    const where = [readCondition(principal, params)];
    if (args.gridId) {
      params.push(args.gridId);
      where.push(`grid_id = $${params.length}::uuid`);
    }
    if (args.status) {
      params.push(args.status);
      where.push(`status = $${params.length}`);
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

  /** One statement for a whole batch of references. */
  async loadByIds(ids: readonly string[]): Promise<(IncidentType | Error)[]> {
    const rows: IncidentRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM incident WHERE id = ANY($1::uuid[])`, [ids]);
    return orderByKeys(
      ids,
      rows.map(toIncidentType),
      (i) => i.id,
      (id) => IncidentErrors.notFound(id),
    );
  }

  /**
   * One page of incidents for each of many grids, in one statement: a lateral count and a lateral
   * page per grid, each served by ix_incident_grid.
   */
  async loadByGrids(principal: Principal, gridIds: readonly string[], args: GridIncidentsArgs): Promise<Connection<IncidentType>[]> {
    const params: unknown[] = [gridIds];
    const where = ['grid_id = g.id', readCondition(principal, params)];
    if (args.status) {
      params.push(args.status);
      where.push(`status = $${params.length}`);
    }
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
    const byGrid = new Map<string, { total: number; rows: IncidentRow[] }>();
    for (const { key, total, ...incident } of rows) {
      const entry = byGrid.get(key) ?? { total, rows: [] };
      if (incident.id) entry.rows.push(incident as IncidentRow);
      byGrid.set(key, entry);
    }
    return gridIds.map((id) => {
      const entry = byGrid.get(id) ?? { total: 0, rows: [] };
      return toConnection(entry.rows, args.first, entry.total, toIncidentType, cursorOf);
    });
  }

  private async byIdempotencyKey(manager: EntityManager, reporterId: string, key: string): Promise<IncidentRow | undefined> {
    const [row] = await manager.query<IncidentRow[]>(
      `SELECT ${COLUMNS} FROM incident WHERE reporter_id = $1 AND idempotency_key = $2 AND idempotency_key IS NOT NULL`,
      [reporterId, key],
    );
    return row;
  }

  private replay(first: IncidentEntity, input: ReportIncidentInput): IncidentType {
    const incident = toIncidentType(first);
    if (!sameReport(incident, input)) throw IncidentErrors.idempotencyKeyReused();
    return incident;
  }
}
