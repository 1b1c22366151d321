import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { canReach, inReach, Principal, reachCondition, RULES } from '@civgrid/auth';
import { GridEventData, GridEvents, EventPayloads, OutboxEvent } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { Connection, groupByKeys, listPage, orderByKeys, queryRows, returning, sql } from '@civgrid/service-kit';
import { DISTRICT_TODAY } from '../common/district-day';
import { checkedPath } from '../common/paths';
import { AreaEntity } from '../area/area.entity';
import { GeoJsonPolygon, polygonProblem } from '../geometry/polygon';
import { endAssignmentsOfGrids } from '../member/assignment-sql';
import { CoverageItem, coverageItem, duplicateKeys } from './coverage';
import { GridEntity } from './grid.entity';
import { GridErrors } from './grid.errors';
import { CoverageItemInput, CoverageItemType, GeoJsonPolygonInput } from './dto/coverage.type';
import { CreateGridInput, GridsArgs, RetireGridInput, UpdateGridInput } from './dto/grid.inputs';
import { GridKindEnum, GridStatusEnum, GridType } from './dto/grid.type';

export const toGridType = (e: GridEntity): GridType => ({
  id: e.id,
  code: e.code,
  name: e.name,
  kind: e.kind as GridKindEnum,
  status: e.status as GridStatusEnum,
  path: e.path,
  effectiveFrom: e.effectiveFrom,
  effectiveTo: e.effectiveTo,
  areaId: e.areaId,
  parentGridId: e.parentGridId,
  boundary: e.boundary ?? null,
  retiredReason: e.retiredReason ?? null,
});

/** The columns of a grid row, from a table or alias `t`. */
export const gridColumns = (t: string): string =>
  `${t}.id, ${t}.code, ${t}.name, ${t}.kind, ${t}.area_id AS "areaId", ${t}.parent_grid_id AS "parentGridId", ${t}.path, ${t}.status,
   to_char(${t}.effective_from, 'YYYY-MM-DD') AS "effectiveFrom", to_char(${t}.effective_to, 'YYYY-MM-DD') AS "effectiveTo", ${t}.boundary,
   ${t}.retired_reason AS "retiredReason"`;
const COLUMNS = gridColumns('grid');

/** UPDATE … RETURNING through TypeORM's postgres driver answers [rows, rowCount]; this gives the rows. */
/** Validated coverage items of an input, refusing one listed twice. */
export function coverageOf(input: readonly CoverageItemInput[] | undefined): CoverageItem[] {
  const items = (input ?? []).map((i) => coverageItem(i.kind, i.name));
  const twice = duplicateKeys(items);
  if (twice.length > 0) throw GridErrors.coverageRepeated(twice);
  return items;
}

/** A validated polygon, or a refusal that says what is wrong with it. */
export function boundaryOf(input: GeoJsonPolygonInput | undefined): GeoJsonPolygon | null {
  if (!input) return null;
  const polygon = { type: input.type, coordinates: input.coordinates };
  const problem = polygonProblem(polygon);
  if (problem) throw GridErrors.boundaryInvalid(problem);
  return polygon as GeoJsonPolygon;
}

/** One multi-row insert for a grid's coverage. */
export async function insertCoverage(
  manager: EntityManager,
  gridId: string,
  areaId: string,
  items: readonly CoverageItem[],
  firstPosition = 0,
): Promise<void> {
  if (items.length === 0) return;
  const values = items.map(
    (item, i) =>
      sql`(${randomUUID()}::uuid, ${gridId}::uuid, ${areaId}::uuid, ${item.kind}::coverage_kind, ${item.name}, ${item.key}, ${firstPosition + i}::int)`,
  );
  await queryRows(
    manager,
    sql`INSERT INTO grid_coverage_item (id, grid_id, area_id, kind, name, item_key, position) VALUES ${sql.join(values)}`,
  );
}

/**
 * A grid locked for a change, with its area's path; refused when outside the principal's areas.
 * `share` keeps it from being retired or reshaped meanwhile but lets others do the same: two
 * assignments to one grid then race to the database's own constraints instead of queueing.
 */
export async function lockGrid(
  manager: EntityManager,
  principal: Principal,
  id: string,
  mode: 'update' | 'share' = 'update',
): Promise<GridEntity & { areaPath: string }> {
  const [grid] = await manager.query<(GridEntity & { areaPath: string })[]>(
    `SELECT ${gridColumns('g')}, a.path::text AS "areaPath"
       FROM grid g JOIN administrative_area a ON a.id = g.area_id WHERE g.id = $1 ${mode === 'share' ? 'FOR SHARE OF g' : 'FOR UPDATE OF g'}`,
    [id],
  );
  // A grid out of the caller's reach does not exist for them.
  return inReach(
    principal,
    RULES.grid.manage,
    grid,
    (g) => ({ path: g.path, gridId: g.id }),
    () => GridErrors.notFound(id),
  );
}

/** Grids the reader may see, over the columns of `grid` (`alias` is e.g. `g.`). */
export const gridReadCondition = (principal: Principal, params: unknown[], alias = ''): string =>
  reachCondition(principal, RULES.grid.read, { path: `${alias}path`, gridId: `${alias}id` }, params);

export const canReadGrid = (principal: Principal, grid: Pick<GridType, 'id' | 'path'>): boolean =>
  canReach(principal, RULES.grid.read, { path: grid.path, gridId: grid.id });

export const gridEventData = (g: Omit<GridEntity, 'retiredReason'>, areaPath: string): GridEventData => ({
  gridId: g.id,
  code: g.code,
  name: g.name,
  kind: g.kind,
  areaId: g.areaId,
  areaPath,
  path: g.path,
  parentGridId: g.parentGridId,
  status: g.status,
});

/** grid-retired: the grid's state and why it was retired. */
export const retiredEvent = (g: GridEntity, areaPath: string): OutboxEvent<typeof GridEvents.retired> => ({
  type: GridEvents.retired,
  aggregateType: 'Grid',
  aggregateId: g.id,
  data: { ...gridEventData(g, areaPath), reason: g.retiredReason ?? '' },
});

@Injectable()
export class GridService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox<EventPayloads>,
  ) {}

  async create(principal: Principal, input: CreateGridInput): Promise<GridType> {
    const items = coverageOf(input.coverage);
    const boundary = boundaryOf(input.boundary);
    return this.dataSource.transaction(async (manager) => {
      const area = inReach(
        principal,
        RULES.grid.manage,
        await manager.findOneBy(AreaEntity, { id: input.areaId }),
        (a) => ({ path: a.path }),
        () => GridErrors.areaNotFound(input.areaId),
      );
      if (area.level !== 'VILLAGE') throw GridErrors.areaNotVillage();
      const parent = await this.checkParent(manager, principal, input, area);
      if (await manager.existsBy(GridEntity, { code: input.code })) throw GridErrors.codeTaken(input.code);
      if (input.kind === GridKindEnum.TOTAL && (await manager.existsBy(GridEntity, { areaId: area.id, kind: 'TOTAL', status: 'ACTIVE' }))) {
        throw GridErrors.totalExists();
      }
      // In force from the district's today, by the database's clock (as every date here).
      const [grid] = await manager.query<GridEntity[]>(
        `INSERT INTO grid (id, code, name, kind, area_id, parent_grid_id, path, status, effective_from, boundary)
         VALUES ($1, $2, $3, $4, $5, $6, $7::ltree, 'ACTIVE', ${DISTRICT_TODAY}, $8::jsonb) RETURNING ${COLUMNS}`,
        [
          randomUUID(),
          input.code,
          input.name,
          input.kind,
          area.id,
          parent?.id ?? null,
          `${parent?.path ?? area.path}.${input.code}`,
          boundary ? JSON.stringify(boundary) : null,
        ],
      );
      await insertCoverage(manager, grid.id, area.id, items);
      await this.outbox.add(manager, {
        type: GridEvents.created,
        aggregateType: 'Grid',
        aggregateId: grid.id,
        data: gridEventData(grid, area.path),
      });
      return toGridType(grid);
    });
  }

  async update(principal: Principal, input: UpdateGridInput): Promise<GridType> {
    if (input.boundary && input.clearBoundary) throw GridErrors.boundaryBothWays();
    const items = input.coverage ? coverageOf(input.coverage) : undefined;
    const boundary = input.boundary ? boundaryOf(input.boundary) : undefined;
    return this.dataSource.transaction(async (manager) => {
      const grid = await lockGrid(manager, principal, input.id);
      if (grid.status !== 'ACTIVE') throw GridErrors.retired(grid.code);
      const next = { ...grid, name: input.name ?? grid.name, boundary: input.clearBoundary ? null : (boundary ?? grid.boundary) };
      await manager.query(`UPDATE grid SET name = $2, boundary = $3::jsonb, updated_at = now() WHERE id = $1`, [
        grid.id,
        next.name,
        next.boundary ? JSON.stringify(next.boundary) : null,
      ]);
      if (items) await this.addCoverage(manager, grid, items);
      await this.outbox.add(manager, {
        type: GridEvents.updated,
        aggregateType: 'Grid',
        aggregateId: grid.id,
        data: gridEventData(next, grid.areaPath),
      });
      return toGridType(next);
    });
  }

  /**
   * updateGrid may only add coverage nobody else has: a building or street leaving a grid, or one
   * another active grid of the village looks after, goes through moveCoverage, splitGrid or
   * mergeGrids, which keep the history and tell other services where it went (grid-reshaped).
   * A grid's own parent and the grids below it share ground by design and do not count.
   */
  private async addCoverage(manager: EntityManager, grid: GridEntity, items: CoverageItem[]): Promise<void> {
    const current = await manager.query<{ key: string; position: number }[]>(
      `SELECT item_key AS key, position FROM grid_coverage_item WHERE grid_id = $1 ORDER BY position`,
      [grid.id],
    );
    const wanted = new Set(items.map((i) => i.key));
    const removed = current.filter((c) => !wanted.has(c.key)).map((c) => c.key);
    if (removed.length > 0) throw GridErrors.coverageRemoved(grid.code, removed);
    const have = new Set(current.map((c) => c.key));
    const added = items.filter((i) => !have.has(i.key));
    if (added.length === 0) return;
    const taken = await manager.query<{ key: string; code: string }[]>(
      `SELECT x.item_key AS key, g.code FROM grid_coverage_item x JOIN grid g ON g.id = x.grid_id
        WHERE x.area_id = $1 AND x.item_key = ANY($2::text[]) AND g.status = 'ACTIVE' AND g.id <> $3
          AND NOT (g.path <@ $4::ltree OR g.path @> $4::ltree)
        ORDER BY x.item_key, g.code`,
      [grid.areaId, added.map((i) => i.key), grid.id, grid.path],
    );
    if (taken.length > 0) throw GridErrors.coverageTaken(grid.code, taken);
    await insertCoverage(manager, grid.id, grid.areaId, added, (current.at(-1)?.position ?? -1) + 1);
  }

  /** Retires a grid that is no longer needed; its assignments end. Reshaping retires grids too. */
  async retire(principal: Principal, input: RetireGridInput): Promise<GridType> {
    if (!input.reason.trim()) throw GridErrors.reasonMissing();
    return this.dataSource.transaction(async (manager) => {
      const grid = await lockGrid(manager, principal, input.id);
      if (grid.status !== 'ACTIVE') throw GridErrors.retired(grid.code);
      const [children] = await manager.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM grid WHERE parent_grid_id = $1 AND status = 'ACTIVE'`,
        [grid.id],
      );
      if ((children?.n ?? 0) > 0) throw GridErrors.hasActiveChildren(grid.code, children.n);
      const [retired] = await returning<GridEntity>(
        manager,
        `UPDATE grid SET status = 'RETIRED', effective_to = ${DISTRICT_TODAY}, retired_reason = $2, updated_at = now()
          WHERE id = $1 RETURNING ${COLUMNS}`,
        [grid.id, input.reason.trim()],
      );
      const events: OutboxEvent[] = await endAssignmentsOfGrids(manager, [grid.id]);
      events.push(retiredEvent(retired, grid.areaPath));
      await this.outbox.add(manager, ...events);
      return toGridType(retired);
    });
  }

  /** Coverage of a batch of grids, in one statement. */
  async loadCoverage(gridIds: readonly string[]): Promise<CoverageItemType[][]> {
    const rows = await this.dataSource.query<(CoverageItemType & { gridId: string })[]>(
      `SELECT grid_id AS "gridId", kind, name, item_key AS key FROM grid_coverage_item WHERE grid_id = ANY($1::uuid[]) ORDER BY grid_id, position`,
      [gridIds],
    );
    return groupByKeys(
      gridIds,
      rows.map((r) => ({ ...r, kind: r.kind })),
      (r) => r.gridId,
    );
  }

  private async checkParent(
    manager: EntityManager,
    principal: Principal,
    input: CreateGridInput,
    area: AreaEntity,
  ): Promise<GridEntity | null> {
    if (input.kind === GridKindEnum.TOTAL) {
      if (input.parentGridId) throw GridErrors.totalHasNoParent();
      return null;
    }
    if (!input.parentGridId) throw GridErrors.parentRequired(input.kind);
    const parent = await manager.findOneBy(GridEntity, { id: input.parentGridId });
    if (!parent || !canReach(principal, RULES.grid.manage, { path: parent.path, gridId: parent.id })) {
      throw GridErrors.parentNotFound(input.parentGridId);
    }
    const expected = input.kind === GridKindEnum.BASIC ? 'TOTAL' : 'BASIC';
    if (parent.kind !== expected) throw GridErrors.parentKindInvalid(input.kind, expected);
    if (parent.areaId !== area.id) throw GridErrors.parentInOtherArea();
    if (parent.status !== 'ACTIVE') throw GridErrors.parentRetired();
    return parent;
  }

  async byId(principal: Principal, id: string): Promise<GridType> {
    const [grid] = (await this.loadByIds([id])) as [GridType | Error];
    if (grid instanceof Error || !canReadGrid(principal, grid)) throw GridErrors.notFound(id);
    return grid;
  }

  async byCode(principal: Principal, code: string): Promise<GridType> {
    const rows = await this.dataSource.query<GridEntity[]>(`SELECT ${COLUMNS} FROM grid WHERE code = $1`, [code]);
    const grid = rows[0] ? toGridType(rows[0]) : undefined;
    if (!grid || !canReadGrid(principal, grid)) throw GridErrors.notFound(code);
    return grid;
  }

  async list(principal: Principal, args: GridsArgs): Promise<Connection<GridType>> {
    return listPage(this.dataSource, {
      columns: sql.raw(COLUMNS),
      from: sql`grid`,
      where: [
        sql.params((params) => gridReadCondition(principal, params)),
        args.underPath ? sql`path <@ ${checkedPath(args.underPath, 'underPath')}::ltree` : undefined,
        args.kind ? sql`kind = ${args.kind}` : undefined,
        args.status ? sql`status = ${args.status}` : undefined,
      ],
      keys: [['path', 'path']],
      direction: 'ASC',
      page: args,
      map: toGridType,
      cursorOf: (r: GridEntity) => [r.path],
    });
  }

  /** One statement for a whole batch of references. */
  async loadByIds(ids: readonly string[]): Promise<(GridType | Error)[]> {
    const rows: GridEntity[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM grid WHERE id = ANY($1::uuid[])`, [ids]);
    return orderByKeys(
      ids,
      rows.map(toGridType),
      (g) => g.id,
      (id) => GridErrors.notFound(id),
    );
  }

  /** Active grids of a batch of areas that the reader may see, in one statement. */
  async loadByArea(principal: Principal, areaIds: readonly string[], limit: number): Promise<GridType[][]> {
    const params: unknown[] = [areaIds, limit];
    const rows: GridEntity[] = await this.dataSource.query(
      `SELECT c.* FROM unnest($1::uuid[]) AS k(id)
         CROSS JOIN LATERAL (SELECT ${COLUMNS} FROM grid
                              WHERE area_id = k.id AND status = 'ACTIVE' AND ${gridReadCondition(principal, params)} ORDER BY path LIMIT $2) c
        ORDER BY c.path`,
      params,
    );
    return groupByKeys(areaIds, rows.map(toGridType), (g) => g.areaId);
  }
}
