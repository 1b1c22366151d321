import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { assertCanAskAbout, isUuid, Principal, reachCondition, RULES } from '@civgrid/auth';
import { Clock, Connection, groupByKeys, listPage, orderByKeys, queryRows, sql, toConnection } from '@civgrid/service-kit';
import { GridLeaders } from './grid-leaders';
import { IncidentErrors } from './incident.errors';
import {
  afterCursor,
  COLUMNS,
  cursorOf,
  IncidentRow,
  listFilters,
  NEWEST_FIRST,
  NEWEST_FIRST_KEYS,
  openCondition,
  PublicIncidentQuery,
  PublicTimelineRow,
  PublicVisibility,
  readCondition,
  RESOLVED_SQL,
  toIncidentType,
  visibilityCondition,
} from './incident.rows';
import { GridIncidentsArgs, IncidentsArgs, ResolvedInTheBudArgs } from './dto/incident.inputs';
import { IncidentTimelineEntryType, IncidentType, ResolvedInTheBudType } from './dto/incident.type';

/**
 * Every read of incidents: the GraphQL queries and loaders (within the reader's reach) and Open311's
 * public reads (within what the district publishes). Writes are IncidentService's.
 */
@Injectable()
export class IncidentReadsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly leaders: GridLeaders,
    private readonly clock: Clock,
  ) {}

  async byId(principal: Principal, id: string): Promise<IncidentType> {
    const [incident] = await this.loadByIds(principal, [id]);
    if (incident instanceof Error) throw incident;
    return incident;
  }

  /** Newest first, keyset-paged on (reported_at, id). */
  async list(principal: Principal, args: IncidentsArgs): Promise<Connection<IncidentType>> {
    return listPage(this.dataSource, {
      columns: sql.raw(COLUMNS),
      from: sql`incident`,
      where: [
        sql.params((params) => readCondition(principal, params)),
        ...listFilters(args),
        args.gridId ? sql`grid_id = ${args.gridId}::uuid` : undefined,
      ],
      keys: NEWEST_FIRST_KEYS,
      direction: 'DESC',
      orderBy: sql.raw(NEWEST_FIRST),
      page: args,
      map: toIncidentType,
      cursorOf,
    });
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
    const filter = sql.and([sql.raw(`${column} = g.id`), sql.params((params) => readCondition(principal, params)), ...listFilters(args)]);
    const rows = await queryRows<Partial<IncidentRow> & { key: string; total: number }>(
      this.dataSource,
      sql`SELECT g.id AS key, c.total, p.*
         FROM unnest(${keys}::uuid[]) AS g (id)
         CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM incident WHERE ${filter}) c
         LEFT JOIN LATERAL (
           SELECT ${sql.raw(COLUMNS)} FROM incident WHERE ${sql.and([filter, afterCursor(args.after)])} ORDER BY ${sql.raw(NEWEST_FIRST)} LIMIT ${args.first + 1}
         ) p ON TRUE
        ORDER BY g.id, p."reportedAt" DESC, p.id DESC`,
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
         FROM incident WHERE grid_path <@ $1::ltree AND resolved_at >= $2 AND resolved_at < $3 AND status IN ${RESOLVED_SQL} AND ${counted}`,
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

  // ---------- Open311's public reads ----------

  /** Newest first, at most `limit`, only what the visibility allows. */
  async publicSearch(q: PublicIncidentQuery): Promise<IncidentRow[]> {
    const where = [
      visibilityCondition(q.visibility),
      q.numbers ? sql`number = ANY(${q.numbers}::text[])` : undefined,
      q.reportedFrom ? sql`reported_at >= ${q.reportedFrom}` : undefined,
      q.reportedTo ? sql`reported_at <= ${q.reportedTo}` : undefined,
      q.services
        ? sql`EXISTS (SELECT 1 FROM unnest(${q.services.map((c) => c.category)}::text[], ${q.services.map((c) => c.subcategory ?? '')}::text[]) AS c (category, sub)
           WHERE c.category = incident.category::text AND (c.sub = '' OR c.sub = incident.subcategory))`
        : undefined,
      ...openCondition(q.open),
    ];
    return queryRows<IncidentRow>(
      this.dataSource,
      sql`SELECT ${sql.raw(COLUMNS)} FROM incident WHERE ${sql.and(where)} ORDER BY ${sql.raw(NEWEST_FIRST)} LIMIT ${q.limit}`,
    );
  }

  /** Timeline entries of visible incidents in a period, oldest first, at most `limit` (status updates). */
  async publicTimeline(q: {
    visibility: PublicVisibility;
    from: Date;
    to: Date;
    actions: readonly string[];
    limit: number;
  }): Promise<PublicTimelineRow[]> {
    return queryRows<PublicTimelineRow>(
      this.dataSource,
      sql`SELECT t.id::text AS id, t.action, t.to_status AS "toStatus", t.at, t.note, i.number, i.source, i.grid_path::text AS "gridPath"
         FROM incident_transition t JOIN incident i ON i.id = t.incident_id
        WHERE t.at >= ${q.from} AND t.at <= ${q.to} AND t.action = ANY(${q.actions}::text[]) AND ${visibilityCondition(q.visibility, 'i')}
        ORDER BY t.at, t.id LIMIT ${q.limit}`,
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
}
