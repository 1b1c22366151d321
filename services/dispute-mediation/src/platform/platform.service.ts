import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { assertCanAskAbout, canReach, Principal, reachCondition, RULES } from '@civgrid/auth';
import {
  Connection,
  DepartmentReplicaService,
  groupByKeys,
  keysetSql,
  listPage,
  orderByKeys,
  PageArgs,
  queryRows,
  Sql,
  sql,
} from '@civgrid/service-kit';
import { keyedConnections, KeyedRow } from '../common/keyed-pages';
import { levelDepth } from '../dispute/dispute-workflow';
import { isUuid, uuidKey } from '../dispute/dispute.service';
import {
  AddMediatorInput,
  AddRoomInput,
  CentresArgs,
  CommitteesArgs,
  CreateCentreInput,
  CreateCommitteeInput,
  SeatDepartmentsInput,
} from './platform.inputs';
import { CentreType, CommitteeType, MediatorType, RoomType } from './platform.type';
import { PlatformErrors } from './platform.errors';

const COMMITTEE = `id, name, level, area_path::text AS "areaPath"`;
const MEDIATOR = `id, committee_id AS "committeeId", user_id AS "userId", name, specialties, room_id AS "roomId", active`;
const ROOM = `id, name, kind, centre_id AS "centreId", committee_id AS "committeeId", area_path::text AS "areaPath"`;
const CENTRE = `c.id, c.name, c.area_path::text AS "areaPath",
  coalesce((SELECT array_agg(department_id::text ORDER BY department_id) FROM mediation_centre_department WHERE centre_id = c.id), '{}') AS "departmentIds"`;

const keysOf = (ids: readonly string[]) => {
  const keys = ids.map(uuidKey);
  return { keys, valid: keys.filter(isUuid) };
};

/** Committees, mediators, centres and rooms: the standing set-up of the three-level platform. */
@Injectable()
export class PlatformService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly departments: DepartmentReplicaService,
  ) {}

  /** A committee or centre out of the caller's reach does not exist for them. */
  private inReach<T extends { areaPath: string }>(principal: Principal, row: T, notFound: () => Error): T {
    if (!canReach(principal, RULES.mediationPlatform.manage, { path: row.areaPath })) throw notFound();
    return row;
  }

  async createCommittee(principal: Principal, input: CreateCommitteeInput): Promise<CommitteeType> {
    assertCanAskAbout(principal, RULES.mediationPlatform.manage, input.areaPath);
    if (input.areaPath.split('.').length !== levelDepth(input.level)) throw PlatformErrors.levelDepth(input.level);
    const [row] = await this.dataSource.query<CommitteeType[]>(
      `INSERT INTO mediation_committee (id, name, level, area_path) VALUES ($1, $2, $3, $4::ltree)
       ON CONFLICT ON CONSTRAINT uq_mediation_committee_area DO NOTHING RETURNING ${COMMITTEE}`,
      [randomUUID(), input.name.trim(), input.level, input.areaPath],
    );
    if (!row) throw PlatformErrors.committeeExists();
    return row;
  }

  async addMediator(principal: Principal, input: AddMediatorInput): Promise<MediatorType> {
    return this.dataSource.transaction(async (manager) => {
      const [committee] = await manager.query<CommitteeType[]>(`SELECT ${COMMITTEE} FROM mediation_committee WHERE id = $1`, [
        input.committeeId,
      ]);
      if (!committee) throw PlatformErrors.committeeNotFound(input.committeeId);
      this.inReach(principal, committee, () => PlatformErrors.committeeNotFound(input.committeeId));
      let roomId: string | null = null;
      if (input.roomName) {
        roomId = randomUUID();
        await manager.query(`INSERT INTO room (id, name, kind, committee_id, area_path) VALUES ($1, $2, 'MEDIATION_ROOM', $3, $4::ltree)`, [
          roomId,
          input.roomName.trim(),
          committee.id,
          committee.areaPath,
        ]);
      }
      const [row] = await manager.query<MediatorType[]>(
        `INSERT INTO mediator (id, committee_id, user_id, name, specialties, room_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${MEDIATOR}`,
        [randomUUID(), committee.id, input.userId ?? null, input.name.trim(), input.specialties ?? [], roomId],
      );
      return row;
    });
  }

  async createCentre(principal: Principal, input: CreateCentreInput): Promise<CentreType> {
    assertCanAskAbout(principal, RULES.mediationPlatform.manage, input.areaPath);
    await this.assertDepartmentsKnown(input.departmentIds ?? []);
    const id = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO mediation_centre (id, name, area_path) VALUES ($1, $2, $3::ltree)`, [
        id,
        input.name.trim(),
        input.areaPath,
      ]);
      await this.seat(manager.query.bind(manager), id, input.departmentIds ?? []);
    });
    return this.centre(id);
  }

  async seatDepartments(principal: Principal, input: SeatDepartmentsInput): Promise<CentreType> {
    const centre = this.inReach(principal, await this.centre(input.centreId), () => PlatformErrors.centreNotFound(input.centreId));
    await this.assertDepartmentsKnown(input.departmentIds);
    await this.seat(this.dataSource.query.bind(this.dataSource), centre.id, input.departmentIds);
    return this.centre(centre.id);
  }

  /** Departments are grid organisation's: only those its events announced may be seated. */
  private async assertDepartmentsKnown(ids: readonly string[]): Promise<void> {
    const unknown = await this.departments.unknown([...new Set(ids)]);
    if (unknown.length > 0) throw PlatformErrors.departmentNotFound(unknown);
  }

  private async seat(
    query: (sql: string, params: unknown[]) => Promise<unknown>,
    centreId: string,
    departmentIds: string[],
  ): Promise<void> {
    if (departmentIds.length === 0) return;
    await query(
      `INSERT INTO mediation_centre_department (centre_id, department_id) SELECT $1, d FROM unnest($2::uuid[]) AS d ON CONFLICT DO NOTHING`,
      [centreId, departmentIds],
    );
  }

  async addRoom(principal: Principal, input: AddRoomInput): Promise<RoomType> {
    const centre = this.inReach(principal, await this.centre(input.centreId), () => PlatformErrors.centreNotFound(input.centreId));
    const [row] = await this.dataSource.query<RoomType[]>(
      `INSERT INTO room (id, name, kind, centre_id, area_path) VALUES ($1, $2, $3, $4, $5::ltree) RETURNING ${ROOM}`,
      [randomUUID(), input.name.trim(), input.kind, centre.id, centre.areaPath],
    );
    return row;
  }

  private async centre(id: string): Promise<CentreType> {
    const [row] = await this.dataSource.query<CentreType[]>(`SELECT ${CENTRE} FROM mediation_centre c WHERE c.id = $1`, [id]);
    if (!row) throw PlatformErrors.centreNotFound(id);
    return row;
  }

  /** The area filters shared by committees and centres, over an `area_path` column. */
  private areaTerms(principal: Principal, args: CentresArgs, column: string): Sql[] {
    // Your areas and those above them (the town and district a dispute escalates to): a list of what
    // concerns you, though the directory itself is open to every role (references resolve anywhere).
    const path = sql.raw(column);
    const where = [sql.params((params) => reachCondition(principal, RULES.area.read, { path: column }, params))];
    if (args.underPath) where.push(sql`${path} <@ ${args.underPath}::ltree`);
    if (args.covering) where.push(sql`${path} @> ${args.covering}::ltree`);
    return where;
  }

  /** Committees of your areas and the ones above them, district first, then by area; keyset-paged. */
  async committees(principal: Principal, args: CommitteesArgs): Promise<Connection<CommitteeType>> {
    // The depth of the area is the level (district 1, town 2, village 3): one order for both.
    return listPage(this.dataSource, {
      columns: sql.raw(`${COMMITTEE}, nlevel(area_path) AS depth`),
      from: sql`mediation_committee`,
      where: [...this.areaTerms(principal, args, 'area_path'), args.level ? sql`level = ${args.level}::dispute_level` : undefined],
      keys: [
        ['nlevel(area_path)', 'int'],
        ['area_path', 'path'],
      ],
      direction: 'ASC',
      orderBy: sql`nlevel(area_path), area_path`,
      page: args,
      map: (r: CommitteeType & { depth: number }) => r,
      cursorOf: (r) => [r.depth, r.areaPath],
    });
  }

  /** Centres of your areas and those above them, by area and name; keyset-paged. */
  async centres(principal: Principal, args: CentresArgs): Promise<Connection<CentreType>> {
    return listPage(this.dataSource, {
      columns: sql.raw(CENTRE),
      from: sql`mediation_centre c`,
      where: this.areaTerms(principal, args, 'c.area_path'),
      keys: [
        ['c.area_path', 'path'],
        ['c.name', 'text'],
      ],
      direction: 'ASC',
      orderBy: sql`c.area_path, c.name`,
      page: args,
      map: (r: CentreType) => r,
      cursorOf: (r) => [r.areaPath, r.name],
    });
  }

  async loadCommittees(ids: readonly string[]): Promise<(CommitteeType | Error)[]> {
    const { keys, valid } = keysOf(ids);
    const rows = await this.dataSource.query<CommitteeType[]>(`SELECT ${COMMITTEE} FROM mediation_committee WHERE id = ANY($1::uuid[])`, [
      valid,
    ]);
    return orderByKeys(keys, rows, (r) => r.id, PlatformErrors.committeeNotFound);
  }

  async loadMediators(ids: readonly string[]): Promise<(MediatorType | Error)[]> {
    const { keys, valid } = keysOf(ids);
    const rows = await this.dataSource.query<MediatorType[]>(`SELECT ${MEDIATOR} FROM mediator WHERE id = ANY($1::uuid[])`, [valid]);
    return orderByKeys(keys, rows, (r) => r.id, PlatformErrors.mediatorNotFound);
  }

  async loadRooms(ids: readonly string[]): Promise<(RoomType | Error)[]> {
    const { keys, valid } = keysOf(ids);
    const rows = await this.dataSource.query<RoomType[]>(`SELECT ${ROOM} FROM room WHERE id = ANY($1::uuid[])`, [valid]);
    return orderByKeys(keys, rows, (r) => r.id, PlatformErrors.roomNotFound);
  }

  async loadCentres(ids: readonly string[]): Promise<(CentreType | Error)[]> {
    const { keys, valid } = keysOf(ids);
    const rows = await this.dataSource.query<CentreType[]>(`SELECT ${CENTRE} FROM mediation_centre c WHERE c.id = ANY($1::uuid[])`, [
      valid,
    ]);
    return orderByKeys(keys, rows, (r) => r.id, PlatformErrors.centreNotFound);
  }

  /** `MediationCommittee.mediators` for a batch of committees: per committee its total and page, one statement. */
  async loadMediatorsOfCommittees(committeeIds: readonly string[], args: PageArgs): Promise<Connection<MediatorType>[]> {
    const { keys, valid } = keysOf(committeeIds);
    const after = keysetSql(
      args.after,
      [
        ['m.name', 'text'],
        ['m.id', 'uuid'],
      ],
      'ASC',
    );
    const rows = await queryRows<KeyedRow<MediatorType>>(
      this.dataSource,
      sql`SELECT k.id::text AS "key", c.total, p.*
       FROM unnest(${valid}::uuid[]) AS k (id)
       CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM mediator m WHERE m.committee_id = k.id) c
       LEFT JOIN LATERAL (
         SELECT ${sql.raw(MEDIATOR)} FROM mediator m WHERE ${sql.and([sql`m.committee_id = k.id`, after])} ORDER BY m.name, m.id LIMIT ${args.first + 1}
       ) p ON TRUE
       ORDER BY k.id, p.name, p.id`,
    );
    return keyedConnections(
      keys,
      rows,
      args.first,
      (r) => r,
      (r) => [r.name, r.id],
    );
  }

  /** Rooms of centres or committees, keyed by owner id; one statement. */
  async loadRoomsOfOwners(ownerIds: readonly string[]): Promise<RoomType[][]> {
    const rows = await this.dataSource.query<(RoomType & { owner: string })[]>(
      `SELECT ${ROOM}, coalesce(centre_id, committee_id) AS owner FROM room
       WHERE centre_id = ANY($1::uuid[]) OR committee_id = ANY($1::uuid[]) ORDER BY owner, name`,
      [[...ownerIds]],
    );
    return groupByKeys(ownerIds, rows, (r) => r.owner);
  }
}
