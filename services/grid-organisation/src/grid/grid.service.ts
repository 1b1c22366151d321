import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { assertInScope, assertRole, hasRole, isInScope, Principal, Role } from '@civgrid/auth';
import { GridEventData, GridEvents } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { Connection, decodeCursor, groupByKeys, orderByKeys, toConnection } from '@civgrid/service-kit';
import { AreaEntity } from '../area/area.entity';
import { GridEntity } from './grid.entity';
import { GridErrors } from './grid.errors';
import { CreateGridInput, GridsArgs } from './dto/grid.inputs';
import { GridKindEnum, GridStatusEnum, GridType } from './dto/grid.type';

export const GRID_MANAGERS = [Role.ADMIN, Role.DISTRICT_OFFICER, Role.TOWN_OFFICER, Role.COMMUNITY_OFFICER];

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
});

const COLUMNS = `id, code, name, kind, area_id AS "areaId", parent_grid_id AS "parentGridId", path, status,
  to_char(effective_from, 'YYYY-MM-DD') AS "effectiveFrom", to_char(effective_to, 'YYYY-MM-DD') AS "effectiveTo"`;

/** A grid member who is nothing else sees only the grids they look after. */
const onlyOwnGrids = (p: Principal): boolean => hasRole(p, Role.GRID_MEMBER) && !hasRole(p, ...GRID_MANAGERS, Role.ANALYST, Role.MEDIATOR, Role.DEPARTMENT_OFFICER);

export function gridReadCondition(principal: Principal, params: unknown[]): string {
  if (hasRole(principal, Role.ADMIN)) return 'TRUE';
  params.push(principal.areas);
  const inAreas = `path <@ $${params.length}::ltree[]`;
  if (!onlyOwnGrids(principal)) return inAreas;
  params.push(principal.grids);
  return `(${inAreas} AND id = ANY($${params.length}::uuid[]))`;
}

export const canReadGrid = (principal: Principal, grid: Pick<GridType, 'id' | 'path'>): boolean =>
  isInScope(principal, grid.path) && (!onlyOwnGrids(principal) || principal.grids.includes(grid.id));

export const gridEventData = (g: GridEntity, areaPath: string): GridEventData => ({
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

@Injectable()
export class GridService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async create(principal: Principal, input: CreateGridInput): Promise<GridType> {
    assertRole(principal, GRID_MANAGERS, 'create grids');
    return this.dataSource.transaction(async (manager) => {
      const area = await manager.findOneBy(AreaEntity, { id: input.areaId });
      if (!area) throw GridErrors.areaNotFound(input.areaId);
      assertInScope(principal, area.path, 'this village or community');
      if (area.level !== 'VILLAGE') throw GridErrors.areaNotVillage();
      const parent = await this.checkParent(manager, input, area);
      if (await manager.existsBy(GridEntity, { code: input.code })) throw GridErrors.codeTaken(input.code);
      if (input.kind === GridKindEnum.TOTAL && (await manager.existsBy(GridEntity, { areaId: area.id, kind: 'TOTAL', status: 'ACTIVE' }))) {
        throw GridErrors.totalExists();
      }
      const grid = manager.create(GridEntity, {
        id: randomUUID(),
        code: input.code,
        name: input.name,
        kind: input.kind,
        areaId: area.id,
        parentGridId: parent?.id ?? null,
        path: `${parent?.path ?? area.path}.${input.code}`,
        status: 'ACTIVE',
        effectiveFrom: new Date().toISOString().slice(0, 10),
        effectiveTo: null,
      });
      await manager.insert(GridEntity, grid);
      await this.outbox.add(manager, {
        type: GridEvents.created,
        aggregateType: 'Grid',
        aggregateId: grid.id,
        data: gridEventData(grid, area.path),
      });
      return toGridType(grid);
    });
  }

  private async checkParent(manager: EntityManager, input: CreateGridInput, area: AreaEntity): Promise<GridEntity | null> {
    if (input.kind === GridKindEnum.TOTAL) {
      if (input.parentGridId) throw GridErrors.totalHasNoParent();
      return null;
    }
    if (!input.parentGridId) throw GridErrors.parentRequired(input.kind);
    const parent = await manager.findOneBy(GridEntity, { id: input.parentGridId });
    if (!parent) throw GridErrors.parentNotFound(input.parentGridId);
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

  async list(principal: Principal, args: GridsArgs): Promise<Connection<GridType>> {
    const params: unknown[] = [];
    const where = [gridReadCondition(principal, params)];
    if (args.underPath) {
      params.push(args.underPath);
      where.push(`path <@ $${params.length}::ltree`);
    }
    if (args.kind) {
      params.push(args.kind);
      where.push(`kind = $${params.length}`);
    }
    if (args.status) {
      params.push(args.status);
      where.push(`status = $${params.length}`);
    }
    const filter = where.join(' AND ');
    const countParams = [...params];
    const after = decodeCursor(args.after, 1);
    const page = [...where];
    if (after) {
      params.push(after[0]);
      page.push(`path > $${params.length}::ltree`);
    }
    params.push(args.first + 1);
    const [rows, count] = await Promise.all([
      this.dataSource.query<GridEntity[]>(`SELECT ${COLUMNS} FROM grid WHERE ${page.join(' AND ')} ORDER BY path LIMIT $${params.length}`, params),
      this.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM grid WHERE ${filter}`, countParams),
    ]);
    return toConnection(rows, args.first, count[0]?.n ?? 0, toGridType, (r) => [r.path]);
  }

  /** One statement for a whole batch of references. */
  async loadByIds(ids: readonly string[]): Promise<(GridType | Error)[]> {
    const rows: GridEntity[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM grid WHERE id = ANY($1::uuid[])`, [ids]);
    return orderByKeys(ids, rows.map(toGridType), (g) => g.id, (id) => GridErrors.notFound(id));
  }

  async loadByArea(areaIds: readonly string[]): Promise<GridType[][]> {
    const rows: GridEntity[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM grid WHERE area_id = ANY($1::uuid[]) AND status = 'ACTIVE' ORDER BY path`,
      [areaIds],
    );
    return groupByKeys(areaIds, rows.map(toGridType), (g) => g.areaId);
  }
}
