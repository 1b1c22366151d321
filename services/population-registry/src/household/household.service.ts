import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessRule, inReach, Principal, RULES } from '@civgrid/auth';
import { HouseholdMovedData, HouseholdRegisteredData, PopulationEvents, RegistrationType, EventPayloads } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { Clock, Connection, groupByKeys, createdOrderPage, orderByKeys, PageArgs, toConnection } from '@civgrid/service-kit';
import { gridReach } from '../registry/access';
import { lockClientId, wellFormed } from '../registry/ids';
import { raiseGridCounts } from '../registry/grid-counts';
import { GridErrors } from '../registry/grid-errors';
import { HouseholdErrors } from './household.errors';
import { MoveHouseholdInput, RegisterHouseholdInput } from './dto/household.inputs';
import { HouseholdMembershipType, HouseholdType, RegistrationTypeEnum } from './dto/household.type';

interface HouseholdRow {
  id: string;
  number: string;
  registrationType: RegistrationType;
  dwellingId: string;
  gridId: string;
  headResidentId: string | null;
  createdAt: string;
}

const COLUMNS = `h.id, h.number, h.registration_type AS "registrationType", h.dwelling_id AS "dwellingId", h.grid_id AS "gridId",
  h.head_resident_id AS "headResidentId", to_char(h.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt"`;

export const toHouseholdType = (r: HouseholdRow): HouseholdType => ({
  id: r.id,
  number: r.number,
  registrationType: r.registrationType as RegistrationTypeEnum,
  dwellingId: r.dwellingId,
  gridId: r.gridId,
  headResidentId: r.headResidentId,
  createdAt: new Date(r.createdAt),
});

/** A dwelling with its grid, checked against the writer's reach: out of reach, it is not found. */
export async function writableDwelling(
  manager: EntityManager,
  principal: Principal,
  dwellingId: string,
): Promise<{ id: string; gridId: string }> {
  const [row] = await manager.query<{ id: string; gridId: string; path: string; status: string }[]>(
    `SELECT d.id, d.grid_id AS "gridId", g.path::text AS path, g.status FROM dwelling d JOIN grid_replica g ON g.id = d.grid_id WHERE d.id = $1`,
    [dwellingId],
  );
  const dwelling = inReach(
    principal,
    RULES.registry.write,
    row,
    (d) => ({ path: d.path, gridId: d.gridId }),
    () => HouseholdErrors.dwellingNotFound(dwellingId),
  );
  if (dwelling.status !== 'ACTIVE') throw GridErrors.notActive(dwelling.gridId);
  return dwelling;
}

@Injectable()
export class HouseholdService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox<EventPayloads>,
    private readonly clock: Clock,
  ) {}

  async register(principal: Principal, input: RegisterHouseholdInput): Promise<HouseholdType> {
    return this.dataSource.transaction(async (manager) => {
      const dwelling = await writableDwelling(manager, principal, input.dwellingId);
      const id = input.id ?? randomUUID();
      if (input.id) {
        // Sent again (the phone's queue): the household comes back as it was first registered.
        await lockClientId(manager, input.id);
        const [earlier] = await manager.query<HouseholdRow[]>(`SELECT ${COLUMNS} FROM household h WHERE h.id = $1`, [input.id]);
        if (earlier) {
          if (earlier.number !== input.number || earlier.dwellingId !== dwelling.id) throw HouseholdErrors.idTaken();
          return toHouseholdType(earlier);
        }
      }
      const rows = await manager.query<HouseholdRow[]>(
        `INSERT INTO household AS h (id, number, dwelling_id, grid_id, registration_type) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT ON CONSTRAINT uq_household_number DO NOTHING RETURNING ${COLUMNS}`,
        [id, input.number, dwelling.id, dwelling.gridId, input.registrationType],
      );
      if (!rows[0]) throw HouseholdErrors.numberTaken(input.number);
      const data: HouseholdRegisteredData = {
        householdId: id,
        dwellingId: dwelling.id,
        gridId: dwelling.gridId,
        registrationType: input.registrationType,
      };
      await this.outbox.add(manager, { type: PopulationEvents.householdRegistered, aggregateType: 'Household', aggregateId: id, data });
      await raiseGridCounts(manager, this.outbox, [dwelling.gridId], this.clock.now());
      return toHouseholdType(rows[0]);
    });
  }

  /** The whole household moves: its residents follow it to the new dwelling's grid. */
  async move(principal: Principal, input: MoveHouseholdInput): Promise<HouseholdType> {
    return this.dataSource.transaction(async (manager) => {
      const household = await this.writable(manager, principal, input.householdId, RULES.registry.write);
      const to = await writableDwelling(manager, principal, input.dwellingId);
      if (to.id === household.dwellingId) throw HouseholdErrors.sameDwelling();
      const [row] = await manager.query<[HouseholdRow[], number]>(
        `UPDATE household h SET dwelling_id = $2, grid_id = $3 WHERE h.id = $1 RETURNING ${COLUMNS}`,
        [household.id, to.id, to.gridId],
      );
      await manager.query(`UPDATE resident SET grid_id = $2 WHERE household_id = $1`, [household.id, to.gridId]);
      // Visits and needs are listed and counted by grid: they follow the household.
      await manager.query(`UPDATE household_visit SET grid_id = $2 WHERE household_id = $1`, [household.id, to.gridId]);
      await manager.query(`UPDATE need SET grid_id = $2 WHERE household_id = $1`, [household.id, to.gridId]);
      const data: HouseholdMovedData = {
        householdId: household.id,
        fromDwellingId: household.dwellingId,
        toDwellingId: to.id,
        fromGridId: household.gridId,
        toGridId: to.gridId,
      };
      await this.outbox.add(manager, {
        type: PopulationEvents.householdMoved,
        aggregateType: 'Household',
        aggregateId: household.id,
        data,
      });
      if (household.gridId !== to.gridId) await raiseGridCounts(manager, this.outbox, [household.gridId, to.gridId], this.clock.now());
      return toHouseholdType(row[0]);
    });
  }

  /**
   * A household locked for a change under a rule of the table (registry, care or visit writes);
   * one out of the writer's reach is not found.
   */
  async writable(
    manager: EntityManager,
    principal: Principal,
    id: string,
    rule: AccessRule,
    notFound: () => Error = () => HouseholdErrors.notFound(id),
  ): Promise<HouseholdType & { gridPath: string }> {
    const [found] = await manager.query<(HouseholdRow & { gridPath: string })[]>(
      `SELECT ${COLUMNS}, g.path::text AS "gridPath" FROM household h JOIN grid_replica g ON g.id = h.grid_id WHERE h.id = $1 FOR UPDATE OF h`,
      [id],
    );
    const row = inReach(principal, rule, found, (h) => ({ path: h.gridPath, gridId: h.gridId }), notFound);
    return { ...toHouseholdType(row), gridPath: row.gridPath };
  }

  async byId(principal: Principal, id: string): Promise<HouseholdType> {
    const [household] = await this.loadByIds(principal, [id]);
    if (household instanceof Error) throw household;
    return household;
  }

  async loadByIds(principal: Principal, ids: readonly string[]): Promise<(HouseholdType | Error)[]> {
    const params: unknown[] = [wellFormed(ids)];
    const rows = await this.dataSource.query<HouseholdRow[]>(
      `SELECT ${COLUMNS} FROM household h JOIN grid_replica g ON g.id = h.grid_id WHERE h.id = ANY($1::uuid[]) AND ${gridReach(principal, RULES.registry.read, 'g', params)}`,
      params,
    );
    return orderByKeys(
      ids,
      rows.map(toHouseholdType),
      (h) => h.id,
      (id) => HouseholdErrors.notFound(id),
    );
  }

  /** Membership history of a batch of households, oldest first, in one statement. */
  async loadHistories(ids: readonly string[]): Promise<HouseholdMembershipType[][]> {
    const rows = await this.dataSource.query<(HouseholdMembershipType & { householdId: string })[]>(
      `SELECT household_id AS "householdId", resident_id AS "residentId", relation, joined_at AS "joinedAt", joined_reason AS "joinedReason",
              left_at AS "leftAt", left_reason AS "leftReason"
         FROM household_membership WHERE household_id = ANY($1::uuid[]) ORDER BY household_id, joined_at, id`,
      [ids],
    );
    return groupByKeys(ids, rows, (r) => r.householdId);
  }

  /** One page of households for each of a batch of grids, in one statement. */
  async loadPagesByGrid(principal: Principal, gridIds: readonly string[], page: PageArgs): Promise<Connection<HouseholdType>[]> {
    const params: unknown[] = [wellFormed(gridIds)];
    const visible = gridReach(principal, RULES.registry.read, 'g', params);
    const pageSql = createdOrderPage('h', page, params);
    const rows = await this.dataSource.query<(Partial<HouseholdRow> & { grid: string; total: number })[]>(
      `SELECT g.id AS grid, t.total, p.*
         FROM grid_replica g
         CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM household WHERE grid_id = g.id) t
         LEFT JOIN LATERAL (SELECT ${COLUMNS} FROM household h WHERE h.grid_id = g.id ${pageSql.after} ORDER BY ${pageSql.orderBy} LIMIT ${pageSql.limit}) p ON TRUE
        WHERE g.id = ANY($1::uuid[]) AND ${visible}
        ORDER BY g.id, p."createdAt", p.id`,
      params,
    );
    return groupByKeys(gridIds, rows, (r) => r.grid).map((group) => {
      const found = group.filter((r): r is HouseholdRow & { grid: string; total: number } => r.id != null);
      return toConnection(found, page.first, group[0]?.total ?? 0, toHouseholdType, (r) => [r.createdAt, r.id]);
    });
  }
}
