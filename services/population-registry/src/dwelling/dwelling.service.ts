import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { canReach, Principal, RULES } from '@civgrid/auth';
import { DwellingKind, DwellingOccupancy, DwellingRegisteredData, PopulationEvents, EventPayloads } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { Connection, GridReplicaService, groupByKeys, createdOrderPage, orderByKeys, PageArgs, toConnection } from '@civgrid/service-kit';
import { gridReach } from '../registry/access';
import { lockClientId, wellFormed } from '../registry/ids';
import { GridErrors } from '../registry/grid-errors';
import { DwellingEntity } from './dwelling.entity';
import { DwellingErrors } from './dwelling.errors';
import { DwellingsArgs, RegisterDwellingInput } from './dto/dwelling.inputs';
import { DwellingKindEnum, DwellingOccupancyEnum, DwellingType } from './dto/dwelling.type';

/** The registry's read rule over a grid (addresses are personal data). */
export const canReadGridDwellings = (principal: Principal, grid: { id: string; path: string | null }): boolean =>
  canReach(principal, RULES.registry.read, { path: grid.path, gridId: grid.id });

/** A dwelling as read for a list or a reference: the cursor wants created_at to the microsecond. */
interface DwellingRow {
  id: string;
  gridId: string;
  kind: DwellingKind;
  occupancy: DwellingOccupancy;
  road: string | null;
  building: string | null;
  unit: string | null;
  room: string | null;
  houseNumber: string | null;
  addressText: string;
  createdAt: string;
}

const COLUMNS = `d.id, d.grid_id AS "gridId", d.kind, d.occupancy, d.road, d.building, d.unit, d.room,
  d.house_number AS "houseNumber", d.address_text AS "addressText",
  to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt"`;

export const toDwellingType = (e: DwellingEntity | DwellingRow): DwellingType => ({
  id: e.id,
  gridId: e.gridId,
  kind: e.kind as DwellingKindEnum,
  occupancy: e.occupancy as DwellingOccupancyEnum,
  road: e.road,
  building: e.building,
  unit: e.unit,
  room: e.room,
  houseNumber: e.houseNumber,
  addressText: e.addressText,
  createdAt: new Date(e.createdAt),
});

const dwellingRegisteredData = (d: DwellingEntity): DwellingRegisteredData => ({
  dwellingId: d.id,
  gridId: d.gridId,
  kind: d.kind,
  occupancy: d.occupancy,
});

@Injectable()
export class DwellingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox<EventPayloads>,
    private readonly grids: GridReplicaService,
  ) {}

  async register(principal: Principal, input: RegisterDwellingInput): Promise<DwellingType> {
    return this.dataSource.transaction(async (manager) => {
      const grid = await this.grids.inReach(input.gridId, principal, RULES.registry.write, manager);
      if (grid.status !== 'ACTIVE') throw GridErrors.notActive(grid.id);
      if (input.id) {
        // Sent again (the phone's queue): the dwelling comes back as it was first registered.
        await lockClientId(manager, input.id);
        const [earlier] = await manager.query<DwellingRow[]>(`SELECT ${COLUMNS} FROM dwelling d WHERE d.id = $1`, [input.id]);
        if (earlier) {
          if (earlier.gridId !== grid.id) throw DwellingErrors.idTaken();
          return toDwellingType(earlier);
        }
      }
      const dwelling = manager.create(DwellingEntity, {
        id: input.id ?? randomUUID(),
        gridId: grid.id,
        kind: input.kind,
        occupancy: input.occupancy,
        road: input.road ?? null,
        building: input.building ?? null,
        unit: input.unit ?? null,
        room: input.room ?? null,
        houseNumber: input.houseNumber ?? null,
        addressText: input.addressText,
      });
      // The insert fills in created_at from the database.
      await manager.insert(DwellingEntity, dwelling);
      await this.outbox.add(manager, {
        type: PopulationEvents.dwellingRegistered,
        aggregateType: 'Dwelling',
        aggregateId: dwelling.id,
        data: dwellingRegisteredData(dwelling),
      });
      return toDwellingType(dwelling);
    });
  }

  async byId(principal: Principal, id: string): Promise<DwellingType> {
    const [dwelling] = (await this.loadByIds(principal, [id])) as [DwellingType | Error];
    if (dwelling instanceof Error) throw dwelling;
    return dwelling;
  }

  async list(principal: Principal, args: DwellingsArgs): Promise<Connection<DwellingType>> {
    const [grid] = await this.grids.getMany([args.gridId]);
    if (!grid || !canReadGridDwellings(principal, grid)) throw DwellingErrors.gridNotFound(args.gridId);
    const [page] = await this.loadPagesByGrid(principal, [grid.id], args);
    return page;
  }

  /** One statement for a whole batch of references; a dwelling out of the caller's scope is not found. */
  async loadByIds(principal: Principal, ids: readonly string[]): Promise<(DwellingType | Error)[]> {
    const params: unknown[] = [wellFormed(ids)];
    const rows: DwellingRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM dwelling d JOIN grid_replica g ON g.id = d.grid_id
       WHERE d.id = ANY($1::uuid[]) AND ${gridReach(principal, RULES.registry.read, 'g', params)}`,
      params,
    );
    return orderByKeys(
      ids,
      rows.map(toDwellingType),
      (d) => d.id,
      (id) => DwellingErrors.notFound(id),
    );
  }

  /**
   * One page of dwellings for each of a batch of grids, in one statement. A grid the caller may not
   * read (or that is not known here) gets an empty page.
   */
  async loadPagesByGrid(principal: Principal, gridIds: readonly string[], page: PageArgs): Promise<Connection<DwellingType>[]> {
    const params: unknown[] = [wellFormed(gridIds)];
    const visible = gridReach(principal, RULES.registry.read, 'g', params);
    const pageSql = createdOrderPage('d', page, params);
    // LEFT JOIN LATERAL keeps grids without a row on this page, so their totalCount still shows.
    const rows: (Partial<DwellingRow> & { grid: string; total: number })[] = await this.dataSource.query(
      `SELECT g.id AS grid, t.total, p.*
       FROM grid_replica g
       CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM dwelling WHERE grid_id = g.id) t
       LEFT JOIN LATERAL (
         SELECT ${COLUMNS} FROM dwelling d WHERE d.grid_id = g.id ${pageSql.after} ORDER BY ${pageSql.orderBy} LIMIT ${pageSql.limit}
       ) p ON TRUE
       WHERE g.id = ANY($1::uuid[]) AND ${visible}
       ORDER BY g.id, p."createdAt", p.id`,
      params,
    );
    return groupByKeys(gridIds, rows, (r) => r.grid).map((group) => {
      const found = group.filter((r): r is DwellingRow & { grid: string; total: number } => r.id != null);
      return toConnection(found, page.first, group[0]?.total ?? 0, toDwellingType, (r) => [r.createdAt, r.id]);
    });
  }
}
