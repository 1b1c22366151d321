import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { assertCanAskAbout, Principal, RULES } from '@civgrid/auth';
import { NeedEventData, PopulationEvents, VisitRecordedData, EventPayloads } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { Clock, Connection, groupByKeys, createdOrderPage, PageArgs, toConnection } from '@civgrid/service-kit';
import { HouseholdService, toHouseholdType } from '../household/household.service';
import { HouseholdType } from '../household/dto/household.type';
import { gridReach } from '../registry/access';
import { wellFormed } from '../registry/ids';
import { quarterOf } from '../registry/grid-counts';
import { VisitErrors } from './visit.errors';
import { NeedInput, RecordNeedInput, RecordVisitInput } from './dto/visit.inputs';
import { AreaVisitCoverageType, HouseholdVisitType, NeedStatusEnum, NeedType, VisitCoverageType } from './dto/visit.type';

const NEED_COLUMNS = `n.id, n.household_id AS "householdId", n.visit_id AS "visitId", n.kind, n.description, n.status, n.recorded_by AS "recordedBy",
  n.recorded_at AS "recordedAt", n.met_by AS "metBy", n.met_at AS "metAt"`;

const share = (visited: number, households: number): number => (households === 0 ? 0 : visited / households);

@Injectable()
export class VisitService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox<EventPayloads>,
    private readonly clock: Clock,
    private readonly households: HouseholdService,
  ) {}

  async record(principal: Principal, input: RecordVisitInput): Promise<HouseholdVisitType> {
    const now = this.clock.now();
    const at = input.visitedAt ?? now;
    if (at.getTime() > now.getTime() + 60_000) throw VisitErrors.inFuture();
    return this.dataSource.transaction(async (manager) => {
      const household = await this.households.writable(manager, principal, input.householdId, RULES.visit.write);
      const id = input.id ?? randomUUID();
      const inserted = await manager.query<{ id: string }[]>(
        `INSERT INTO household_visit (id, household_id, grid_id, visitor, visited_at, kind, findings) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT ON CONSTRAINT pk_household_visit DO NOTHING RETURNING id`,
        [id, household.id, household.gridId, principal.userId, at, input.kind, input.findings ?? null],
      );
      if (inserted[0]) {
        await this.insertNeeds(manager, principal, household, input.needs, id, now);
        const data: VisitRecordedData = { visitId: id, householdId: household.id, gridId: household.gridId, kind: input.kind };
        await this.outbox.add(manager, {
          type: PopulationEvents.visitRecorded,
          aggregateType: 'Household',
          aggregateId: household.id,
          data,
        });
      }
      const [visit] = await manager.query<HouseholdVisitType[]>(
        `SELECT id, household_id AS "householdId", grid_id AS "gridId", visitor, visited_at AS "visitedAt", kind, findings FROM household_visit WHERE id = $1`,
        [id],
      );
      // A resent visit comes back as it was first recorded; a reused id for another household does not.
      if (visit.householdId !== household.id) throw VisitErrors.idTaken();
      const needs = await manager.query<NeedType[]>(
        `SELECT ${NEED_COLUMNS} FROM need n WHERE n.visit_id = $1 ORDER BY n.recorded_at, n.id`,
        [id],
      );
      return { ...visit, kind: visit.kind, needs };
    });
  }

  private async insertNeeds(
    manager: EntityManager,
    principal: Principal,
    household: HouseholdType,
    needs: readonly NeedInput[],
    visitId: string | null,
    at: Date,
  ): Promise<NeedType[]> {
    if (needs.length === 0) return [];
    const ids = needs.map(() => randomUUID());
    const rows = await manager.query<NeedType[]>(
      `INSERT INTO need AS n (id, household_id, grid_id, visit_id, kind, description, recorded_by, recorded_at)
       SELECT u.id, $2, $3, $4, u.kind::need_kind, u.description, $5, $6 FROM unnest($1::uuid[], $7::text[], $8::text[]) AS u(id, kind, description)
       RETURNING ${NEED_COLUMNS}`,
      [ids, household.id, household.gridId, visitId, principal.userId, at, needs.map((n) => n.kind), needs.map((n) => n.description)],
    );
    await this.outbox.add(
      manager,
      ...rows.map((n) => {
        const data: NeedEventData = { needId: n.id, householdId: household.id, gridId: household.gridId };
        return { type: PopulationEvents.needRecorded, aggregateType: 'Household', aggregateId: household.id, data };
      }),
    );
    return rows;
  }

  async recordNeed(principal: Principal, input: RecordNeedInput): Promise<NeedType> {
    return this.dataSource.transaction(async (manager) => {
      const household = await this.households.writable(manager, principal, input.householdId, RULES.visit.write);
      const [need] = await this.insertNeeds(manager, principal, household, [input], null, this.clock.now());
      return need;
    });
  }

  async meetNeed(principal: Principal, needId: string): Promise<NeedType> {
    return this.dataSource.transaction(async (manager) => {
      const [need] = await manager.query<NeedType[]>(`SELECT ${NEED_COLUMNS} FROM need n WHERE n.id = $1 FOR UPDATE`, [needId]);
      if (!need) throw VisitErrors.needNotFound(needId);
      // A need of a household out of reach is not found, as one that does not exist.
      const household = await this.households.writable(manager, principal, need.householdId, RULES.visit.write, () =>
        VisitErrors.needNotFound(needId),
      );
      if (need.status === NeedStatusEnum.MET) throw VisitErrors.needAlreadyMet();
      const [rows] = await manager.query<[NeedType[], number]>(
        `UPDATE need n SET status = 'MET', met_by = $2, met_at = $3 WHERE n.id = $1 RETURNING ${NEED_COLUMNS}`,
        [need.id, principal.userId, this.clock.now()],
      );
      const data: NeedEventData = { needId: need.id, householdId: household.id, gridId: household.gridId };
      await this.outbox.add(manager, { type: PopulationEvents.needMet, aggregateType: 'Household', aggregateId: household.id, data });
      return rows[0];
    });
  }

  async needsOf(householdIds: readonly string[]): Promise<NeedType[][]> {
    const rows = await this.dataSource.query<NeedType[]>(
      `SELECT ${NEED_COLUMNS} FROM need n WHERE n.household_id = ANY($1::uuid[]) ORDER BY n.household_id, n.recorded_at, n.id`,
      [householdIds],
    );
    return groupByKeys(householdIds, rows, (n) => n.householdId);
  }

  /** Visits of a batch of households, each with its needs, in one statement. */
  async visitsOf(householdIds: readonly string[]): Promise<HouseholdVisitType[][]> {
    const rows = await this.dataSource.query<
      (HouseholdVisitType & { needs: (NeedType & { recordedAt: string; metAt: string | null })[] })[]
    >(
      `SELECT v.id, v.household_id AS "householdId", v.grid_id AS "gridId", v.visitor, v.visited_at AS "visitedAt", v.kind, v.findings,
              coalesce((SELECT json_agg(json_build_object('id', n.id, 'householdId', n.household_id, 'visitId', n.visit_id, 'kind', n.kind,
                                                          'description', n.description, 'status', n.status, 'recordedBy', n.recorded_by,
                                                          'recordedAt', n.recorded_at, 'metBy', n.met_by, 'metAt', n.met_at)
                                        ORDER BY n.recorded_at, n.id)
                          FROM need n WHERE n.visit_id = v.id), '[]'::json) AS needs
         FROM household_visit v WHERE v.household_id = ANY($1::uuid[]) ORDER BY v.household_id, v.visited_at DESC, v.id`,
      [wellFormed(householdIds)],
    );
    const visits = rows.map((r) => ({
      ...r,
      needs: r.needs.map((n) => ({ ...n, recordedAt: new Date(n.recordedAt), metAt: n.metAt === null ? null : new Date(n.metAt) })),
    }));
    return groupByKeys(householdIds, visits, (r) => r.householdId);
  }

  /** This quarter's coverage of a batch of grids, in one statement. */
  async loadCoverage(principal: Principal, gridIds: readonly string[]): Promise<(VisitCoverageType | null)[]> {
    const q = quarterOf(this.clock.now());
    const params: unknown[] = [wellFormed(gridIds), q.from, q.to];
    const rows = await this.dataSource.query<{ gridId: string; households: number; visited: number }[]>(
      `SELECT g.id AS "gridId", count(h.id)::int AS households,
              count(h.id) FILTER (WHERE EXISTS (SELECT 1 FROM household_visit v WHERE v.household_id = h.id AND v.visited_at >= $2 AND v.visited_at < $3))::int AS visited
         FROM grid_replica g LEFT JOIN household h ON h.grid_id = g.id
        WHERE g.id = ANY($1::uuid[]) AND ${gridReach(principal, RULES.statistics.read, 'g', params)}
        GROUP BY g.id`,
      params,
    );
    const byGrid = new Map(rows.map((r) => [r.gridId, r]));
    return gridIds.map((id) => {
      const r = byGrid.get(id);
      return r
        ? {
            gridId: id,
            quarter: q.label,
            households: r.households,
            visited: r.visited,
            share: share(r.visited, r.households),
            from: q.from,
            to: q.to,
          }
        : null;
    });
  }

  /** Households of a batch of grids not yet visited this quarter: one page each, one statement. */
  async loadNotVisited(
    principal: Principal,
    coverages: readonly VisitCoverageType[],
    page: PageArgs,
  ): Promise<Connection<HouseholdType>[]> {
    const q = quarterOf(this.clock.now());
    const gridIds = coverages.map((c) => c.gridId);
    const params: unknown[] = [gridIds, q.from, q.to];
    const visible = gridReach(principal, RULES.registry.read, 'g', params);
    const pageSql = createdOrderPage('h', page, params);
    const notVisited = `NOT EXISTS (SELECT 1 FROM household_visit v WHERE v.household_id = h.id AND v.visited_at >= $2 AND v.visited_at < $3)`;
    const rows = await this.dataSource.query<({ grid: string; total: number } & Record<string, string | null>)[]>(
      `SELECT g.id AS grid, t.total, p.*
         FROM grid_replica g
         CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM household h WHERE h.grid_id = g.id AND ${notVisited}) t
         LEFT JOIN LATERAL (
           SELECT h.id, h.number, h.registration_type AS "registrationType", h.dwelling_id AS "dwellingId", h.grid_id AS "gridId", h.head_resident_id AS "headResidentId",
                  to_char(h.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt"
             FROM household h WHERE h.grid_id = g.id AND ${notVisited} ${pageSql.after} ORDER BY ${pageSql.orderBy} LIMIT ${pageSql.limit}) p ON TRUE
        WHERE g.id = ANY($1::uuid[]) AND ${visible}
        ORDER BY g.id, p."createdAt", p.id`,
      params,
    );
    type Row = Parameters<typeof toHouseholdType>[0] & { grid: string; total: number };
    return groupByKeys(gridIds, rows as unknown as Row[], (r) => r.grid).map((group) => {
      const found = group.filter((r) => r.id != null);
      return toConnection(found, page.first, group[0]?.total ?? 0, toHouseholdType, (r) => [r.createdAt, r.id]);
    });
  }

  /**
   * Households of a batch of areas not yet visited this quarter: one page each, over the same grids
   * the area's coverage counts (active, in reach), in one statement.
   */
  async loadAreaNotVisited(principal: Principal, areaPaths: readonly string[], page: PageArgs): Promise<Connection<HouseholdType>[]> {
    const q = quarterOf(this.clock.now());
    const params: unknown[] = [areaPaths, q.from, q.to];
    const visible = gridReach(principal, RULES.registry.read, 'g', params);
    const pageSql = createdOrderPage('h', page, params);
    const inArea = `JOIN grid_replica g ON g.id = h.grid_id
      WHERE g.path <@ a.path::ltree AND g.status = 'ACTIVE' AND ${visible}
        AND NOT EXISTS (SELECT 1 FROM household_visit v WHERE v.household_id = h.id AND v.visited_at >= $2 AND v.visited_at < $3)`;
    const rows = await this.dataSource.query<({ area: string; total: number } & Record<string, string | null>)[]>(
      `SELECT a.path AS area, t.total, p.*
         FROM unnest($1::text[]) AS a(path)
         CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM household h ${inArea}) t
         LEFT JOIN LATERAL (
           SELECT h.id, h.number, h.registration_type AS "registrationType", h.dwelling_id AS "dwellingId", h.grid_id AS "gridId", h.head_resident_id AS "headResidentId",
                  to_char(h.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt"
             FROM household h ${inArea} ${pageSql.after} ORDER BY ${pageSql.orderBy} LIMIT ${pageSql.limit}) p ON TRUE
        ORDER BY a.path, p."createdAt", p.id`,
      params,
    );
    type Row = Parameters<typeof toHouseholdType>[0] & { area: string; total: number };
    return groupByKeys(areaPaths, rows as unknown as Row[], (r) => r.area).map((group) => {
      const found = group.filter((r) => r.id != null);
      return toConnection(found, page.first, group[0]?.total ?? 0, toHouseholdType, (r) => [r.createdAt, r.id]);
    });
  }

  async areaCoverage(principal: Principal, areaPath: string): Promise<AreaVisitCoverageType> {
    assertCanAskAbout(principal, RULES.statistics.read, areaPath);
    const q = quarterOf(this.clock.now());
    const params: unknown[] = [areaPath, q.from, q.to];
    const rows = await this.dataSource.query<{ gridId: string; households: number; visited: number }[]>(
      `SELECT g.id AS "gridId", count(h.id)::int AS households,
              count(h.id) FILTER (WHERE EXISTS (SELECT 1 FROM household_visit v WHERE v.household_id = h.id AND v.visited_at >= $2 AND v.visited_at < $3))::int AS visited
         FROM grid_replica g LEFT JOIN household h ON h.grid_id = g.id
        WHERE g.path <@ $1::ltree AND g.status = 'ACTIVE' AND ${gridReach(principal, RULES.statistics.read, 'g', params)}
        GROUP BY g.id`,
      params,
    );
    const grids = rows
      .map((r) => ({ ...r, share: share(r.visited, r.households) }))
      .sort((a, b) => a.share - b.share || b.households - a.households || a.gridId.localeCompare(b.gridId));
    const households = rows.reduce((n, r) => n + r.households, 0);
    const visited = rows.reduce((n, r) => n + r.visited, 0);
    return { areaPath, quarter: q.label, households, visited, share: share(visited, households), grids };
  }
}
