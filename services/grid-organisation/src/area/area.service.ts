import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { canReach, hasRole, inReach, isWithin, Principal, reachCondition, Role, RULES } from '@civgrid/auth';
import { AreaCreatedData, AreaRenamedData, GridEvents, EventPayloads } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { Connection, groupByKeys, listPage, orderByKeys, sql } from '@civgrid/service-kit';
import { checkedPath } from '../common/paths';
import { areaCodeProblem, childLevel } from './area-code';
import { AreaEntity } from './area.entity';
import { AreaErrors } from './area.errors';
import { AreasArgs, CreateAreaInput, RenameAreaInput } from './dto/area.inputs';
import { AreaLevelEnum, AreaType } from './dto/area.type';

export const toAreaType = (e: AreaEntity): AreaType => ({
  id: e.id,
  code: e.code,
  name: e.name,
  level: e.level as AreaLevelEnum,
  urban: e.urban,
  path: e.path,
  parentId: e.parentId,
});

const COLUMNS = `id, code, name, level, urban, parent_id AS "parentId", path, created_at AS "createdAt"`;

/** Everyone sees the areas under their own, and the chain above them (the breadcrumb). */
export const areaReadCondition = (principal: Principal, params: unknown[]): string =>
  reachCondition(principal, RULES.area.read, { path: 'path' }, params);

const canRead = (principal: Principal, path: string): boolean => canReach(principal, RULES.area.read, { path });

@Injectable()
export class AreaService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox<EventPayloads>,
  ) {}

  async create(principal: Principal, input: CreateAreaInput): Promise<AreaType> {
    return this.dataSource.transaction(async (manager) => {
      const parentId = input.parentId;
      const parent = parentId
        ? inReach(
            principal,
            RULES.area.create,
            await manager.findOneBy(AreaEntity, { id: parentId }),
            (a) => ({ path: a.path }),
            () => AreaErrors.parentNotFound(parentId),
          )
        : null;
      // A district is the root of a tree: only the administrator plants one.
      if (!parent && !hasRole(principal, Role.ADMIN)) throw AreaErrors.districtForAdminsOnly();
      const level = childLevel(parent?.level ?? null);
      if (!level) throw AreaErrors.villageHasNoChildren();
      const problem = areaCodeProblem(input.code, level, parent?.code ?? null);
      if (problem) throw AreaErrors.codeMismatch(input.code, problem);
      if (await manager.existsBy(AreaEntity, { code: input.code })) throw AreaErrors.codeTaken(input.code);

      const area = manager.create(AreaEntity, {
        id: randomUUID(),
        code: input.code,
        name: input.name,
        level,
        urban: input.urban,
        parentId: parent?.id ?? null,
        path: parent ? `${parent.path}.${input.code}` : input.code,
      });
      await manager.insert(AreaEntity, area);
      const data: AreaCreatedData = {
        areaId: area.id,
        code: area.code,
        name: area.name,
        level,
        parentId: area.parentId,
        path: area.path,
      };
      await this.outbox.add(manager, { type: GridEvents.areaCreated, aggregateType: 'AdministrativeArea', aggregateId: area.id, data });
      return toAreaType(area);
    });
  }

  async rename(principal: Principal, input: RenameAreaInput): Promise<AreaType> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<AreaEntity[]>(`SELECT ${COLUMNS} FROM administrative_area WHERE id = $1 FOR UPDATE`, [input.id]);
      const area = inReach(
        principal,
        RULES.area.rename,
        row,
        (a) => ({ path: a.path }),
        () => AreaErrors.notFound(input.id),
      );
      const name = input.name.trim();
      if (name === area.name) return toAreaType(area);
      await manager.query(`UPDATE administrative_area SET name = $2 WHERE id = $1`, [area.id, name]);
      const data: AreaRenamedData = { areaId: area.id, code: area.code, path: area.path, name, previousName: area.name };
      await this.outbox.add(manager, { type: GridEvents.areaRenamed, aggregateType: 'AdministrativeArea', aggregateId: area.id, data });
      return toAreaType({ ...area, name });
    });
  }

  async byId(principal: Principal, id: string): Promise<AreaType> {
    const area = await this.dataSource.manager.findOneBy(AreaEntity, { id });
    if (!area || !canRead(principal, area.path)) throw AreaErrors.notFound(id);
    return toAreaType(area);
  }

  async byCode(principal: Principal, code: string): Promise<AreaType> {
    const area = await this.dataSource.manager.findOneBy(AreaEntity, { code });
    if (!area || !canRead(principal, area.path)) throw AreaErrors.notFound(code);
    return toAreaType(area);
  }

  async byPath(principal: Principal, path: string): Promise<AreaType> {
    const rows = await this.dataSource.query<AreaEntity[]>(`SELECT ${COLUMNS} FROM administrative_area WHERE path = $1::ltree`, [
      checkedPath(path, 'path'),
    ]);
    if (!rows[0] || !canRead(principal, rows[0].path)) throw AreaErrors.notFound(path);
    return toAreaType(rows[0]);
  }

  async list(principal: Principal, args: AreasArgs): Promise<Connection<AreaType>> {
    return listPage(this.dataSource, {
      columns: sql.raw(COLUMNS),
      from: sql`administrative_area`,
      where: [
        sql.params((params) => areaReadCondition(principal, params)),
        args.underPath ? sql`path <@ ${checkedPath(args.underPath, 'underPath')}::ltree` : undefined,
        args.level ? sql`level = ${args.level}` : undefined,
      ],
      keys: [['path', 'path']],
      direction: 'ASC',
      page: args,
      map: toAreaType,
      cursorOf: (r: AreaEntity) => [r.path],
    });
  }

  /** One statement for a whole batch of ids (references, parents, areas of grids). */
  async loadByIds(ids: readonly string[]): Promise<(AreaType | Error)[]> {
    const rows: AreaEntity[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM administrative_area WHERE id = ANY($1::uuid[])`, [ids]);
    return orderByKeys(
      ids,
      rows.map(toAreaType),
      (a) => a.id,
      (id) => AreaErrors.notFound(id),
    );
  }

  /** The children each reader may see (the same rule as `areas`), one statement for a batch of parents. */
  async loadChildren(principal: Principal, parentIds: readonly string[], limit: number): Promise<AreaType[][]> {
    const params: unknown[] = [parentIds, limit];
    const rows: AreaEntity[] = await this.dataSource.query(
      `SELECT c.* FROM unnest($1::uuid[]) AS k(id)
         CROSS JOIN LATERAL (SELECT ${COLUMNS} FROM administrative_area
                              WHERE parent_id = k.id AND ${areaReadCondition(principal, params)} ORDER BY path LIMIT $2) c
        ORDER BY c.path`,
      params,
    );
    return groupByKeys(parentIds, rows.map(toAreaType), (a) => a.parentId ?? '');
  }

  /** The chain from the district down to (not including) each path. */
  async loadAncestors(paths: readonly string[]): Promise<AreaType[][]> {
    const rows: AreaEntity[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM administrative_area WHERE path @> ANY($1::ltree[]) ORDER BY nlevel(path)`,
      [paths],
    );
    const areas = rows.map(toAreaType);
    return paths.map((p) => areas.filter((a) => a.path !== p && isWithin(p, a.path)));
  }

  canRead(principal: Principal, area: AreaType): boolean {
    return canRead(principal, area.path);
  }
}
