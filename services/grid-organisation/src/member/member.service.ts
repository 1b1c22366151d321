import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { canReach, FIELDS, inReach, mayUnmask, Principal, reachCondition, RULES } from '@civgrid/auth';
import { GridEvents, MemberRegisteredData, EventPayloads } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { maskPhone, PHONE_PATTERN, PiiCipher, recordPiiReads } from '@civgrid/pii';
import { Connection, cursorTimestamp, keysetCondition, listPage, sql } from '@civgrid/service-kit';
import { PageRow, pageSql, pagesOf } from '../common/pages';
import { checkedPath } from '../common/paths';
import { AreaEntity } from '../area/area.entity';
import { gridReadCondition, lockGrid } from '../grid/grid.service';
import { ASSIGNMENT_COLUMNS, assignmentEvent, AssignmentRow } from './assignment-sql';
import { MemberErrors } from './member.errors';
import {
  AssignGridMemberInput,
  AssignmentsArgs,
  EndGridAssignmentInput,
  GridMembersArgs,
  RegisterGridMemberInput,
} from './dto/member.inputs';
import { AssignmentRoleEnum, GridAssignmentType, GridMemberType } from './dto/member.type';

/** Officers who look after people in an area see their phone numbers (with a stated purpose). */

const MEMBER_COLUMNS = `m.id, m.name, m.employment, m.user_id AS "userId", m.area_id AS "areaId", m.area_path::text AS "areaPath"`;

type MemberRow = GridMemberType;

const toMemberType = (r: MemberRow): GridMemberType => ({
  id: r.id,
  name: r.name,
  employment: r.employment,
  userId: r.userId,
  areaId: r.areaId,
  areaPath: r.areaPath,
});

const toAssignmentType = (a: AssignmentRow, now = Date.now()): GridAssignmentType => ({
  id: a.id,
  role: a.role as AssignmentRoleEnum,
  from: new Date(a.from),
  to: a.to ? new Date(a.to) : null,
  current: new Date(a.from).getTime() <= now && (!a.to || new Date(a.to).getTime() > now),
  memberId: a.memberId,
  gridId: a.gridId,
});

const CURRENT = `a.active_from <= now() AND (a.active_to IS NULL OR a.active_to > now())`;

/** Members of the reader's areas, those working on the reader's grids now, and the reader's own record. */
const memberReadCondition = (principal: Principal, params: unknown[]): string =>
  reachCondition(
    principal,
    RULES.gridMember.read,
    {
      path: 'm.area_path',
      grids: (grids, areas) =>
        `(m.area_path <@ ${areas} AND EXISTS (SELECT 1 FROM grid_assignment a WHERE a.member_id = m.id AND a.grid_id = ANY(${grids}) AND ${CURRENT}))`,
      own: (user) => `m.user_id = ${user}`,
    },
    params,
  );

/** One spelling per number, so the lookup hash finds `138 1234 5678` and `138-1234-5678` alike. */
export const normalisePhone = (phone: string): string => phone.replace(/[\s()-]/g, '');

@Injectable()
export class MemberService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox<EventPayloads>,
    private readonly cipher: PiiCipher,
  ) {}

  async register(principal: Principal, input: RegisterGridMemberInput): Promise<GridMemberType> {
    const phone = normalisePhone(input.phone);
    if (!PHONE_PATTERN.test(phone)) throw MemberErrors.phoneInvalid();
    return this.dataSource.transaction(async (manager) => {
      const area = inReach(
        principal,
        RULES.gridMember.manage,
        await manager.findOneBy(AreaEntity, { id: input.areaId }),
        (a) => ({ path: a.path }),
        () => MemberErrors.areaNotFound(input.areaId),
      );
      const hash = this.cipher.hash(phone);
      const [taken] = await manager.query<{ byPhone: boolean }[]>(
        `SELECT phone_hash = $1 AS "byPhone" FROM grid_member WHERE phone_hash = $1 OR ($2::text IS NOT NULL AND user_id = $2) LIMIT 1`,
        [hash, input.userId ?? null],
      );
      if (taken) throw taken.byPhone ? MemberErrors.phoneTaken() : MemberErrors.userTaken(input.userId!);
      const member: MemberRow = {
        id: randomUUID(),
        name: input.name.trim(),
        employment: input.employment,
        userId: input.userId ?? null,
        areaId: area.id,
        areaPath: area.path,
      };
      await manager.query(
        `INSERT INTO grid_member (id, name, phone_cipher, phone_hash, employment, user_id, area_id, area_path)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::ltree)`,
        [member.id, member.name, this.cipher.encrypt(phone), hash, member.employment, member.userId, member.areaId, member.areaPath],
      );
      const data: MemberRegisteredData = {
        memberId: member.id,
        areaId: area.id,
        areaPath: area.path,
        employment: member.employment,
        userId: member.userId,
      };
      await this.outbox.add(manager, { type: GridEvents.memberRegistered, aggregateType: 'GridMember', aggregateId: member.id, data });
      return toMemberType(member);
    });
  }

  async byId(principal: Principal, id: string): Promise<GridMemberType> {
    const params: unknown[] = [id];
    const rows = await this.dataSource.query<MemberRow[]>(
      `SELECT ${MEMBER_COLUMNS} FROM grid_member m WHERE m.id = $1 AND ${memberReadCondition(principal, params)}`,
      params,
    );
    if (!rows[0]) throw MemberErrors.notFound(id);
    return toMemberType(rows[0]);
  }

  async list(principal: Principal, args: GridMembersArgs): Promise<Connection<GridMemberType>> {
    // Searching by phone is for those who may see phones (checked in the order of the filters).
    const phoneHash = (phone: string): Buffer => {
      if (!mayUnmask(principal, FIELDS.gridMember.phone)) throw MemberErrors.phoneSearchForbidden();
      return this.cipher.hash(normalisePhone(phone));
    };
    return listPage(this.dataSource, {
      columns: sql.raw(MEMBER_COLUMNS),
      from: sql`grid_member m`,
      where: [
        sql.params((params) => memberReadCondition(principal, params)),
        args.underPath ? sql`m.area_path <@ ${checkedPath(args.underPath, 'underPath')}::ltree` : undefined,
        args.gridId
          ? sql`EXISTS (SELECT 1 FROM grid_assignment a WHERE a.member_id = m.id AND a.grid_id = ${args.gridId} AND ${sql.raw(CURRENT)})`
          : undefined,
        args.phone ? sql`m.phone_hash = ${phoneHash(args.phone)}` : undefined,
      ],
      keys: [
        ['m.area_path', 'path'],
        ['m.id', 'uuid'],
      ],
      direction: 'ASC',
      page: args,
      map: toMemberType,
      cursorOf: (r: MemberRow) => [r.areaPath, r.id],
    });
  }

  /**
   * The members of a batch that the reader may see — the rule of `gridMembers` — and null for the
   * others, in one statement: references, assignments' members, leaders and health problems.
   */
  async loadReadable(principal: Principal, ids: readonly string[]): Promise<(GridMemberType | null)[]> {
    const params: unknown[] = [ids];
    const rows = await this.dataSource.query<MemberRow[]>(
      `SELECT ${MEMBER_COLUMNS} FROM grid_member m WHERE m.id = ANY($1::uuid[]) AND ${memberReadCondition(principal, params)}`,
      params,
    );
    const byId = new Map(rows.map((r) => [r.id, toMemberType(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * Phones of a batch of members for one reader: unmasked only where the reader needs them (an
   * officer over the member's area, the member's own grid leader, the member) and a purpose is
   * stated; every unmasked read is written to pii_audit before the number is returned.
   */
  async phones(principal: Principal, members: readonly GridMemberType[], purpose: string | undefined): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string; phone: Buffer }[]>(
      `SELECT id, phone_cipher AS phone FROM grid_member WHERE id = ANY($1::uuid[])`,
      [members.map((m) => m.id)],
    );
    const byId = new Map(rows.map((r) => [r.id, this.cipher.decrypt(r.phone)]));
    if (purpose !== undefined && (purpose.trim().length < 3 || purpose.length > 500)) throw MemberErrors.purposeInvalid();
    const allowed = purpose ? await this.phoneReadable(principal, members) : new Set<string>();
    const reads = members.filter((m) => allowed.has(m.id));
    await recordPiiReads(
      this.dataSource.manager,
      reads.map((m) => ({
        actor: principal.userId,
        actorRoles: principal.roles,
        subjectType: 'GridMember',
        subjectId: m.id,
        fields: ['phone'],
        purpose: purpose!.trim(),
      })),
    );
    return members.map((m) => {
      const phone = byId.get(m.id) ?? '';
      return allowed.has(m.id) ? phone : maskPhone(phone);
    });
  }

  private async phoneReadable(principal: Principal, members: readonly GridMemberType[]): Promise<Set<string>> {
    const allowed = new Set<string>();
    const officer = mayUnmask(principal, FIELDS.gridMember.phone);
    for (const m of members) {
      if (
        (officer && canReach(principal, RULES.gridMember.read, { path: m.areaPath })) ||
        (m.userId !== null && m.userId === principal.userId)
      ) {
        allowed.add(m.id);
      }
    }
    const rest = members.filter((m) => !allowed.has(m.id)).map((m) => m.id);
    if (rest.length === 0) return allowed;
    // The reader's own member record leads a grid on which the member currently works.
    const led = await this.dataSource.query<{ id: string }[]>(
      `SELECT DISTINCT a.member_id AS id
         FROM grid_assignment a
         JOIN grid_assignment l ON l.grid_id = a.grid_id AND l.role = 'GRID_LEADER'
                               AND l.active_from <= now() AND (l.active_to IS NULL OR l.active_to > now())
         JOIN grid_member lm ON lm.id = l.member_id AND lm.user_id = $2
        WHERE a.member_id = ANY($1::uuid[]) AND ${CURRENT}`,
      [rest, principal.userId],
    );
    for (const r of led) allowed.add(r.id);
    return allowed;
  }

  async assign(principal: Principal, input: AssignGridMemberInput): Promise<GridAssignmentType> {
    return this.dataSource.transaction(async (manager) => {
      const grid = await lockGrid(manager, principal, input.gridId, 'share');
      if (grid.status !== 'ACTIVE') throw MemberErrors.gridRetired(grid.code);
      const [found] = await manager.query<MemberRow[]>(`SELECT ${MEMBER_COLUMNS} FROM grid_member m WHERE m.id = $1`, [input.memberId]);
      const member = inReach(
        principal,
        RULES.gridMember.manage,
        found,
        (m) => ({ path: m.areaPath }),
        () => MemberErrors.notFound(input.memberId),
      );
      const from = input.from ?? new Date();
      if (input.role === AssignmentRoleEnum.GRID_LEADER) {
        // A clear answer naming the current leader; the exclusion constraint stays the real guard.
        const [current] = await manager.query<{ id: string; memberId: string }[]>(
          `SELECT id, member_id AS "memberId" FROM grid_assignment
            WHERE grid_id = $1 AND role = 'GRID_LEADER' AND tstzrange(active_from, active_to, '[)') && tstzrange($2, NULL, '[)') LIMIT 1`,
          [grid.id, from],
        );
        if (current) throw MemberErrors.leaderTaken(grid.code, { assignmentId: current.id, memberId: current.memberId });
      }
      const id = randomUUID();
      try {
        await manager.query(`INSERT INTO grid_assignment (id, member_id, grid_id, role, active_from) VALUES ($1, $2, $3, $4, $5)`, [
          id,
          member.id,
          grid.id,
          input.role,
          from,
        ]);
      } catch (error) {
        // A concurrent assignment got there first (both passed the check above): the exclusion
        // constraint refused this one, the transaction rolls back.
        const constraint = (error as { constraint?: string }).constraint;
        if (constraint === 'ex_assignment_one_leader') throw MemberErrors.leaderTaken(grid.code);
        if (constraint === 'ex_assignment_same_role') throw MemberErrors.assignmentExists();
        throw error;
      }
      const row: AssignmentRow = { id, memberId: member.id, gridId: grid.id, gridPath: grid.path, role: input.role, from, to: null };
      await this.outbox.add(manager, assignmentEvent(GridEvents.memberAssigned, row));
      return toAssignmentType(row);
    });
  }

  async endAssignment(principal: Principal, input: EndGridAssignmentInput): Promise<GridAssignmentType> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<AssignmentRow[]>(
        `SELECT ${ASSIGNMENT_COLUMNS} FROM grid_assignment a JOIN grid g ON g.id = a.grid_id WHERE a.id = $1 FOR UPDATE OF a`,
        [input.assignmentId],
      );
      const current = inReach(
        principal,
        RULES.gridMember.manage,
        row,
        (a) => ({ path: a.gridPath }),
        () => MemberErrors.assignmentNotFound(input.assignmentId),
      );
      const at = input.at ?? new Date();
      if (current.to && new Date(current.to).getTime() <= Date.now()) throw MemberErrors.assignmentEnded();
      if (at.getTime() < new Date(current.from).getTime()) throw MemberErrors.endBeforeStart();
      await manager.query(`UPDATE grid_assignment SET active_to = $2 WHERE id = $1`, [current.id, at]);
      const ended = { ...current, to: at };
      await this.outbox.add(manager, assignmentEvent(GridEvents.memberUnassigned, ended));
      return toAssignmentType(ended);
    });
  }

  /**
   * A page of assignments for each of a batch of grids (or members), current ones only unless
   * asked, oldest first, in one statement; only those on grids the reader may see (the one grid-row
   * rule), so a member's other grids stay hidden.
   */
  async loadAssignmentPages(
    principal: Principal,
    by: 'grid' | 'member',
    ids: readonly string[],
    args: AssignmentsArgs,
  ): Promise<Connection<GridAssignmentType>[]> {
    const params: unknown[] = [ids];
    const where = [
      `${by === 'grid' ? 'a.grid_id' : 'a.member_id'} = k.id`,
      gridReadCondition(principal, params, 'g.'),
      ...(args.current ? [CURRENT] : []),
    ].join(' AND ');
    const keyset =
      keysetCondition(
        args.after,
        [
          ['a.active_from', 'timestamp'],
          ['a.id', 'uuid'],
        ],
        'ASC',
        params,
      ) ?? '';
    const limit = sql`${args.first + 1}`.appendTo(params);
    const rows = await this.dataSource.query<PageRow<AssignmentRow & { fromCursor: string }>[]>(
      pageSql({
        parentType: 'uuid',
        from: 'grid_assignment a JOIN grid g ON g.id = a.grid_id',
        where,
        keyset,
        columns: `${ASSIGNMENT_COLUMNS}, ${cursorTimestamp('a.active_from')} AS "fromCursor"`,
        order: 'a.active_from, a.id',
        limit,
      }),
      params,
    );
    return pagesOf(
      ids,
      rows,
      args.first,
      (r) => toAssignmentType(r),
      (r) => [r.fromCursor, r.id],
    );
  }

  /** The grid leader (网格长) of each grid now, or null, in one statement. */
  async loadLeaders(gridIds: readonly string[]): Promise<(string | null)[]> {
    const rows = await this.dataSource.query<{ gridId: string; memberId: string }[]>(
      `SELECT a.grid_id AS "gridId", a.member_id AS "memberId" FROM grid_assignment a
        WHERE a.grid_id = ANY($1::uuid[]) AND a.role = 'GRID_LEADER' AND ${CURRENT}`,
      [gridIds],
    );
    const byGrid = new Map(rows.map((r) => [r.gridId, r.memberId]));
    return gridIds.map((id) => byGrid.get(id) ?? null);
  }
}
