import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { inReach, Principal, RULES } from '@civgrid/auth';
import { GridEvents, GridReshapedData, EventPayloads, OutboxEvent } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import {
  Connection,
  cursorTimestamp,
  keysetCondition,
  groupByKeys,
  listPage,
  PageArgs,
  queryRows,
  returning,
  sql,
} from '@civgrid/service-kit';
import { PageRow, pageSql, pagesOf } from '../common/pages';
import { DISTRICT_TODAY } from '../common/district-day';
import { checkedPath } from '../common/paths';
import { GeoJsonPolygon } from '../geometry/polygon';
import { CoverageItem } from '../grid/coverage';
import { GridEntity } from '../grid/grid.entity';
import { GridErrors } from '../grid/grid.errors';
import { boundaryOf, gridColumns, gridReadCondition, gridEventData, insertCoverage, lockGrid, retiredEvent } from '../grid/grid.service';
import { assignmentEvent, AssignmentRow, endAssignmentsOfGrids } from '../member/assignment-sql';
import { MemberErrors } from '../member/member.errors';
import { planMerge, planMove, planSplit, PlanGrid, ReshapePlan } from './reshape-plan';
import { MergeGridsInput, MoveCoverageInput, GridReshapesArgs, SplitGridInput } from './reshape.inputs';
import { CoverageMoveType, GridReshapeType, ReshapeKindEnum } from './reshape.type';

type LockedGrid = GridEntity & { areaPath: string };

/** Per new grid: what the caller asked beyond the plan. */
interface NewGridExtras {
  boundary: GeoJsonPolygon | null;
  leaderMemberId?: string;
}

/** Reshapes in the order they happened (newest first in the district's list, oldest first for a grid). */
const RESHAPE_ORDER = [
  ['r.at', 'timestamp'],
  ['r.id', 'uuid'],
] as const;
const RESHAPE_COLUMNS = `r.id, r.kind, r.reason, r.actor, r.at, ${cursorTimestamp('r.at')} AS "atCursor", r.area_path::text AS "areaPath",
  r.from_grid_ids AS "fromGridIds", r.to_grid_ids AS "toGridIds"`;

const parentPathOf = (path: string): string => path.split('.').slice(0, -1).join('.');

/**
 * A reshape is seen by whoever may see one of the grids it retired, created or moved items between:
 * the one grid-row rule of libs/auth, applied to those grids.
 */
function reshapeReadCondition(principal: Principal, params: unknown[]): string {
  const visible = gridReadCondition(principal, params, 'g.');
  return visible === 'TRUE' ? 'TRUE' : `EXISTS (SELECT 1 FROM grid g WHERE g.id = ANY(r.from_grid_ids || r.to_grid_ids) AND ${visible})`;
}

/**
 * Split, merge and move coverage: old grids are retired (never deleted), new ones created under
 * the same parent, every coverage item's new home recorded, and one grid-reshaped event maps them
 * all — with grid-retired, grid-created and grid-updated for the grids involved, in one transaction.
 */
@Injectable()
export class ReshapeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox<EventPayloads>,
  ) {}

  async split(principal: Principal, input: SplitGridInput): Promise<GridReshapeType> {
    const extras = input.parts.map((p) => ({ boundary: boundaryOf(p.boundary), leaderMemberId: p.leaderMemberId }));
    return this.dataSource.transaction(async (manager) => {
      const sources = await this.lock(manager, principal, [input.gridId]);
      const [source] = await this.planGrids(manager, sources);
      const plan = planSplit(
        source,
        input.parts.map((p) => ({ ...p, itemKeys: p.coverageKeys })),
      );
      return this.apply(manager, principal, ReshapeKindEnum.SPLIT, input.reason, sources, plan, extras);
    });
  }

  async merge(principal: Principal, input: MergeGridsInput): Promise<GridReshapeType> {
    const extras = [{ boundary: boundaryOf(input.boundary), leaderMemberId: input.leaderMemberId }];
    return this.dataSource.transaction(async (manager) => {
      const sources = await this.lock(manager, principal, [...new Set(input.gridIds)]);
      const plan = planMerge(await this.planGrids(manager, sources), { code: input.code, name: input.name });
      return this.apply(manager, principal, ReshapeKindEnum.MERGE, input.reason, sources, plan, extras);
    });
  }

  async move(principal: Principal, input: MoveCoverageInput): Promise<GridReshapeType> {
    return this.dataSource.transaction(async (manager) => {
      const grids = await this.lock(
        manager,
        principal,
        input.fromGridId === input.toGridId ? [input.fromGridId] : [input.fromGridId, input.toGridId],
      );
      const planned = await this.planGrids(manager, grids);
      const from = planned.find((g) => g.id === input.fromGridId)!;
      const to = planned.find((g) => g.id === input.toGridId) ?? from;
      const plan = planMove(from, to, input.coverageKeys);
      return this.apply(manager, principal, ReshapeKindEnum.MOVE, input.reason, grids, plan, []);
    });
  }

  /** Locks grids in id order (no deadlocks between two reshapes), refusing any outside scope. */
  private async lock(manager: EntityManager, principal: Principal, ids: string[]): Promise<LockedGrid[]> {
    const locked = new Map<string, LockedGrid>();
    for (const id of [...ids].sort()) locked.set(id, await lockGrid(manager, principal, id));
    return ids.map((id) => locked.get(id)!);
  }

  private async planGrids(manager: EntityManager, grids: LockedGrid[]): Promise<PlanGrid[]> {
    const ids = grids.map((g) => g.id);
    const [items, children] = await Promise.all([
      manager.query<(CoverageItem & { gridId: string })[]>(
        `SELECT grid_id AS "gridId", kind, name, item_key AS key FROM grid_coverage_item WHERE grid_id = ANY($1::uuid[]) ORDER BY position`,
        [ids],
      ),
      manager.query<{ id: string; code: string; parentGridId: string }[]>(
        `SELECT id, code, parent_grid_id AS "parentGridId" FROM grid WHERE parent_grid_id = ANY($1::uuid[]) AND status = 'ACTIVE' ORDER BY code`,
        [ids],
      ),
    ]);
    const itemsBy = groupByKeys(ids, items, (i) => i.gridId);
    const childrenBy = groupByKeys(ids, children, (c) => c.parentGridId);
    return grids.map((g, i) => ({
      id: g.id,
      code: g.code,
      kind: g.kind,
      status: g.status,
      areaId: g.areaId,
      parentGridId: g.parentGridId,
      items: itemsBy[i].map(({ kind, name, key }) => ({ kind, name, key })),
      children: childrenBy[i].map(({ id, code }) => ({ id, code })),
    }));
  }

  private async apply(
    manager: EntityManager,
    principal: Principal,
    kind: ReshapeKindEnum,
    reason: string,
    sources: LockedGrid[],
    plan: ReshapePlan,
    extras: NewGridExtras[],
  ): Promise<GridReshapeType> {
    const first = sources[0];
    const events: OutboxEvent[] = [];
    const codes = plan.create.map((c) => c.code);
    if (codes.length > 0) {
      const taken = await manager.query<{ code: string }[]>(`SELECT code FROM grid WHERE code = ANY($1::text[])`, [codes]);
      if (taken.length > 0) throw GridErrors.codeTaken(taken.map((t) => t.code).join(', '));
    }

    // The old grids: retired, their assignments ended.
    const retired = plan.retire.length
      ? await returning<GridEntity>(
          manager,
          `UPDATE grid SET status = 'RETIRED', effective_to = ${DISTRICT_TODAY}, retired_reason = $2, updated_at = now()
            WHERE id = ANY($1::uuid[]) RETURNING ${gridColumns('grid')}`,
          [plan.retire, reason],
        )
      : [];
    events.push(...(await endAssignmentsOfGrids(manager, plan.retire)));

    // The new grids, under the same parent, each with its coverage and outline.
    const parentPath = parentPathOf(first.path);
    const created: GridEntity[] = [];
    for (const [index, grid] of plan.create.entries()) {
      const boundary = extras[index]?.boundary ?? null;
      const [entity] = await manager.query<GridEntity[]>(
        `INSERT INTO grid (id, code, name, kind, area_id, parent_grid_id, path, status, effective_from, boundary)
         VALUES ($1, $2, $3, $4, $5, $6, $7::ltree, 'ACTIVE', ${DISTRICT_TODAY}, $8::jsonb) RETURNING ${gridColumns('grid')}`,
        [
          randomUUID(),
          grid.code,
          grid.name,
          first.kind,
          first.areaId,
          first.parentGridId,
          `${parentPath}.${grid.code}`,
          boundary ? JSON.stringify(boundary) : null,
        ],
      );
      await insertCoverage(manager, entity.id, entity.areaId, grid.items);
      created.push(entity);
      // Grids below move with their coverage: new parent, new path.
      if (grid.childGridIds.length > 0) {
        const moved = await returning<GridEntity>(
          manager,
          `UPDATE grid SET parent_grid_id = $2, path = $3::ltree || code::text, updated_at = now() WHERE id = ANY($1::uuid[]) RETURNING ${gridColumns('grid')}`,
          [grid.childGridIds, entity.id, entity.path],
        );
        for (const child of moved)
          events.push({
            type: GridEvents.updated,
            aggregateType: 'Grid',
            aggregateId: child.id,
            data: gridEventData(child, first.areaPath),
          });
      }
    }

    // A move changes coverage only: items leave the source and join the target unless already there.
    const targetOf = (to: ReshapePlan['moves'][number]['to']): string => ('gridId' in to ? to.gridId : created[to.newGrid].id);
    if (kind === ReshapeKindEnum.MOVE) {
      const target = targetOf(plan.moves[0].to);
      await manager.query(`DELETE FROM grid_coverage_item WHERE grid_id = $1 AND item_key = ANY($2::text[])`, [
        first.id,
        plan.moves.map((m) => m.item.key),
      ]);
      const present = new Set(
        (await manager.query<{ key: string }[]>(`SELECT item_key AS key FROM grid_coverage_item WHERE grid_id = $1`, [target])).map(
          (r) => r.key,
        ),
      );
      const [{ next }] = await manager.query<{ next: number }[]>(
        `SELECT COALESCE(max(position) + 1, 0)::int AS next FROM grid_coverage_item WHERE grid_id = $1`,
        [target],
      );
      const adding = plan.moves.map((m) => m.item).filter((i) => !present.has(i.key));
      await insertCoverage(manager, target, first.areaId, adding, next);
    }

    // New grid leaders, where asked.
    for (const [index, grid] of created.entries()) {
      const memberId = extras[index]?.leaderMemberId;
      if (!memberId) continue;
      const [member] = await manager.query<{ areaPath: string }[]>(`SELECT area_path::text AS "areaPath" FROM grid_member WHERE id = $1`, [
        memberId,
      ]);
      inReach(
        principal,
        RULES.gridMember.manage,
        member,
        (m) => ({ path: m.areaPath }),
        () => MemberErrors.notFound(memberId),
      );
      const [row] = await manager.query<AssignmentRow[]>(
        `INSERT INTO grid_assignment (id, member_id, grid_id, role, active_from) VALUES ($1, $2, $3, 'GRID_LEADER', now())
         RETURNING id, member_id AS "memberId", grid_id AS "gridId", $4::text AS "gridPath", role, active_from AS "from", active_to AS "to"`,
        [randomUUID(), memberId, grid.id, grid.path],
      );
      events.push(assignmentEvent(GridEvents.memberAssigned, row));
    }

    // History and the one event that maps every item.
    // The moment and the day come from the database, as for every date here.
    const [reshape] = await manager.query<(GridReshapeType & { day: string })[]>(
      `INSERT INTO grid_reshape AS r (id, kind, area_id, area_path, reason, actor, at, from_grid_ids, to_grid_ids)
       VALUES ($1, $2, $3, $4::ltree, $5, $6, now(), $7::uuid[], $8::uuid[])
       RETURNING ${RESHAPE_COLUMNS}, to_char(${DISTRICT_TODAY}, 'YYYY-MM-DD') AS day`,
      [
        randomUUID(),
        kind,
        first.areaId,
        first.areaPath,
        reason,
        principal.userId,
        kind === ReshapeKindEnum.MOVE ? [first.id] : plan.retire,
        kind === ReshapeKindEnum.MOVE ? [targetOf(plan.moves[0].to)] : created.map((c) => c.id),
      ],
    );
    const moves = plan.moves.map((m) => ({ ...m.item, fromGridId: m.fromGridId, toGridId: targetOf(m.to) }));
    if (moves.length > 0) {
      const values = moves.map(
        (m) => sql`(${reshape.id}::uuid, ${m.fromGridId}::uuid, ${m.key}, ${m.kind}::coverage_kind, ${m.name}, ${m.toGridId}::uuid)`,
      );
      await queryRows(
        manager,
        sql`INSERT INTO grid_reshape_item (reshape_id, from_grid_id, item_key, kind, name, to_grid_id) VALUES ${sql.join(values)}`,
      );
    }
    for (const g of retired) events.push(retiredEvent(g, first.areaPath));
    for (const g of created)
      events.push({ type: GridEvents.created, aggregateType: 'Grid', aggregateId: g.id, data: gridEventData(g, first.areaPath) });
    const ref = (g: GridEntity) => ({ gridId: g.id, code: g.code, path: g.path });
    const data: GridReshapedData = {
      reshapeId: reshape.id,
      kind: kind,
      areaId: first.areaId,
      areaPath: first.areaPath,
      effectiveFrom: reshape.day,
      retiredGrids: retired.map(ref),
      createdGrids: created.map(ref),
      items: moves.map((m) => ({ key: m.key, kind: m.kind, fromGridId: m.fromGridId, toGridId: m.toGridId })),
    };
    // Keyed by the village: its reshapes reach consumers in the order they happened.
    events.push({ type: GridEvents.reshaped, aggregateType: 'AdministrativeArea', aggregateId: first.areaId, data });
    await this.outbox.add(manager, ...events);
    const { day: _day, ...history } = reshape;
    return history;
  }

  async list(principal: Principal, args: GridReshapesArgs): Promise<Connection<GridReshapeType>> {
    return listPage(this.dataSource, {
      columns: sql.raw(RESHAPE_COLUMNS),
      from: sql`grid_reshape r`,
      where: [
        sql.params((params) => reshapeReadCondition(principal, params)),
        args.underPath ? sql`r.area_path <@ ${checkedPath(args.underPath, 'underPath')}::ltree` : undefined,
        args.gridId ? sql`(r.from_grid_ids || r.to_grid_ids) && ${[args.gridId]}::uuid[]` : undefined,
      ],
      keys: RESHAPE_ORDER,
      direction: 'DESC',
      page: args,
      map: (r: GridReshapeType) => r,
      cursorOf: (r) => [r.atCursor ?? new Date(r.at).toISOString(), r.id],
    });
  }

  /** A page of the reshapes each grid took part in, oldest first, in one statement for a batch of grids. */
  async loadPagesByGrid(gridIds: readonly string[], page: PageArgs): Promise<Connection<GridReshapeType>[]> {
    const params: unknown[] = [gridIds];
    const keyset = keysetCondition(page.after, RESHAPE_ORDER, 'ASC', params) ?? '';
    const limit = sql`${page.first + 1}`.appendTo(params);
    const rows = await this.dataSource.query<PageRow<GridReshapeType & { atCursor: string }>[]>(
      pageSql({
        parentType: 'uuid',
        from: 'grid_reshape r',
        // The GIN index on the two arrays answers "reshapes of this grid".
        where: '(r.from_grid_ids || r.to_grid_ids) @> ARRAY[k.id]',
        keyset,
        columns: RESHAPE_COLUMNS,
        order: 'r.at, r.id',
        limit,
      }),
      params,
    );
    return pagesOf(
      gridIds,
      rows,
      page.first,
      (r) => r,
      (r) => [r.atCursor, r.id],
    );
  }

  /**
   * A page of where items went for each of a batch of reshapes, in one statement: only items that
   * left or joined a grid the reader may see.
   */
  async loadItemPages(principal: Principal, reshapeIds: readonly string[], page: PageArgs): Promise<Connection<CoverageMoveType>[]> {
    const params: unknown[] = [reshapeIds];
    const visible = `(${gridReadCondition(principal, params, 'gf.')} OR ${gridReadCondition(principal, params, 'gt.')})`;
    const keyset =
      keysetCondition(
        page.after,
        [
          ['i.from_grid_id', 'uuid'],
          ['i.item_key', 'text'],
        ],
        'ASC',
        params,
      ) ?? '';
    const limit = sql`${page.first + 1}`.appendTo(params);
    const rows = await this.dataSource.query<PageRow<CoverageMoveType & { id: string }>[]>(
      pageSql({
        parentType: 'uuid',
        from: 'grid_reshape_item i JOIN grid gf ON gf.id = i.from_grid_id JOIN grid gt ON gt.id = i.to_grid_id',
        where: `i.reshape_id = k.id AND ${visible}`,
        keyset,
        columns: `i.item_key AS id, i.item_key AS key, i.kind, i.name, i.from_grid_id AS "fromGridId", i.to_grid_id AS "toGridId"`,
        order: 'i.from_grid_id, i.item_key',
        limit,
      }),
      params,
    );
    return pagesOf(
      reshapeIds,
      rows,
      page.first,
      ({ key, kind, name, fromGridId, toGridId }) => ({ key, kind, name, fromGridId, toGridId }),
      (r) => [r.fromGridId, r.key],
    );
  }
}
