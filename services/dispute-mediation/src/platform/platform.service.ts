import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { assertCanAskAbout, canReach, Principal, reachCondition, RULES } from '@civgrid/auth';
import {
  Connection,
  DepartmentReplicaService,
  groupByKeys,
  keysetCondition,
  orderByKeys,
  PageArgs,
  toConnection,
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
  private areaTerms(principal: Principal, args: CentresArgs, params: unknown[], column: string): string[] {
    // Your areas and those above them (the town and district a dispute escalates to): a list of what
    // concerns you, though the directory itself is open to every role (references resolve anywhere).
    const where: string[] = [reachCondition(principal, RULES.area.read, { path: column }, params)];
    if (args.underPath) {
      params.push(args.underPath);
      where.push(`${column} <@ $${params.length}::ltree`);
    }
    if (args.covering) {
      params.push(args.covering);
      where.push(`${column} @> $${params.length}::ltree`);
    }
    return where;
  }

  /** Committees of your areas and the ones above them, district first, then by area; keyset-paged. */
  async committees(principal: Principal, args: CommitteesArgs): Promise<Connection<CommitteeType>> {
    const params: unknown[] = [];
    const where = this.areaTerms(principal, args, params, 'area_path');
    if (args.level) {
      params.push(args.level);
      where.push(`level = $${params.length}::dispute_level`);
    }
    const countParams = [...params];
    const page = [...where];
    const after = keysetCondition(
      args.after,
      [
        ['nlevel(area_path)', 'int'],
        ['area_path', 'path'],
      ],
      'ASC',
      params,
    );
    if (after) page.push(after);
    params.push(args.first + 1);
    const sql = (terms: string[]) => (terms.length > 0 ? terms.join(' AND ') : 'TRUE');
    // The depth of the area is the level (district 1, town 2, village 3): one order for both.
    const [rows, [count]] = await Promise.all([
      this.dataSource.query<(CommitteeType & { depth: number })[]>(
        `SELECT ${COMMITTEE}, nlevel(area_path) AS depth FROM mediation_committee WHERE ${sql(page)}
         ORDER BY nlevel(area_path), area_path LIMIT $${params.length}`,
        params,
      ),
      this.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM mediation_committee WHERE ${sql(where)}`, countParams),
    ]);
    return toConnection(
      rows,
      args.first,
      count?.n ?? 0,
      (r) => r,
      (r) => [r.depth, r.areaPath],
    );
  }

  /** Centres of your areas and those above them, by area and name; keyset-paged. */
  async centres(principal: Principal, args: CentresArgs): Promise<Connection<CentreType>> {
    const params: unknown[] = [];
    const where = this.areaTerms(principal, args, params, 'c.area_path');
    const countParams = [...params];
    const page = [...where];
    const after = keysetCondition(
      args.after,
      [
        ['c.area_path', 'path'],
        ['c.name', 'text'],
      ],
      'ASC',
      params,
    );
    if (after) page.push(after);
    params.push(args.first + 1);
    const sql = (terms: string[]) => (terms.length > 0 ? terms.join(' AND ') : 'TRUE');
    const [rows, [count]] = await Promise.all([
      this.dataSource.query<CentreType[]>(
        `SELECT ${CENTRE} FROM mediation_centre c WHERE ${sql(page)} ORDER BY c.area_path, c.name LIMIT $${params.length}`,
        params,
      ),
      this.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM mediation_centre c WHERE ${sql(where)}`, countParams),
    ]);
    return toConnection(
      rows,
      args.first,
      count?.n ?? 0,
      (r) => r,
      (r) => [r.areaPath, r.name],
    );
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
    const params: unknown[] = [valid];
    const after = keysetCondition(
      args.after,
      [
        ['m.name', 'text'],
        ['m.id', 'uuid'],
      ],
      'ASC',
      params,
    );
    const afterTerm = after ? ` AND ${after}` : '';
    params.push(args.first + 1);
    const rows = await this.dataSource.query<KeyedRow<MediatorType>[]>(
      `SELECT k.id::text AS "key", c.total, p.*
       FROM unnest($1::uuid[]) AS k (id)
       CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM mediator m WHERE m.committee_id = k.id) c
       LEFT JOIN LATERAL (
         SELECT ${MEDIATOR} FROM mediator m WHERE m.committee_id = k.id${afterTerm} ORDER BY m.name, m.id LIMIT $${params.length}
       ) p ON TRUE
       ORDER BY k.id, p.name, p.id`,
      params,
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
