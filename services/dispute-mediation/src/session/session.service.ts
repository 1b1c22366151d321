import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Principal, reachCondition, RULES } from '@civgrid/auth';
import { MediationEvents, EventPayloads, EventTypesWith, SessionData } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { Clock, Connection, keysetSql, listPage, orderByKeys, queryRows, Sql, sql } from '@civgrid/service-kit';
import { keyedConnections, KeyedRow } from '../common/keyed-pages';
import { areaAtLevel } from '../dispute/dispute-workflow';
import { DisputeStepsService } from '../dispute/dispute-steps.service';
import { DisputeRow } from '../dispute/dispute.rows';
import { isUuid, uuidKey } from '../dispute/dispute.service';
import { PlatformErrors } from '../platform/platform.errors';
import { CancelSessionInput, RecordSessionInput, ScheduleSessionInput, SessionPageArgs, SessionsArgs } from './dto/session.inputs';
import { AttendanceCountsType, SessionType } from './dto/session.type';
import { sessionEventColumns, SessionEventRow, toSessionData } from './session-events';
import { SessionErrors } from './session.errors';

const MAX_SESSION_MS = 12 * 3600_000;
const OVERLAP_CONSTRAINT = 'ex_mediation_session_room_overlap';

const COLUMNS = `s.id, lower(s.during) AS "startsAt", upper(s.during) AS "endsAt", s.status, s.level, s.minutes, s.held_at AS "heldAt",
  s.dispute_id AS "disputeId", d.number AS "disputeNumber", d.grid_path::text AS "disputePath", d.grid_id AS "disputeGridId", s.room_id AS "roomId",
  coalesce((SELECT array_agg(mediator_id::text ORDER BY mediator_id) FROM mediation_session_mediator WHERE session_id = s.id), '{}') AS "mediatorIds",
  coalesce((SELECT array_agg(department_id::text ORDER BY department_id) FROM mediation_session_department WHERE session_id = s.id), '{}') AS "departmentIds",
  coalesce((SELECT json_agg(json_build_object('partyId', a.party_id, 'present', a.present) ORDER BY a.party_id) FROM mediation_attendance a WHERE a.session_id = s.id), '[]') AS attendance,
  to_char(lower(s.during) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"`;
const FROM = `mediation_session s JOIN dispute d ON d.id = s.dispute_id`;
// Earliest first: a schedule reads forwards. A cursor is [start, id] of the last row.
const ORDER = `lower(s.during), s.id`;
const cursorOf = (s: SessionType): string[] => [s.cursorAt, s.id];

/**
 * Which sessions the principal may see, as SQL over `s` and its dispute `d`: by the dispute's place,
 * and for a department officer the sessions their department takes part in. Parameters are appended.
 */
export const sessionVisibility = (principal: Principal, params: unknown[]): string =>
  reachCondition(
    principal,
    RULES.dispute.read,
    {
      path: 'd.grid_path',
      gridId: 'd.grid_id',
      department: (dept) =>
        `EXISTS (SELECT 1 FROM mediation_session_department sd WHERE sd.session_id = s.id AND sd.department_id = ${dept})`,
    },
    params,
  );

function rangeTerms(args: SessionPageArgs): (Sql | undefined)[] {
  return [
    args.from ? sql`upper(s.during) > ${args.from}::timestamptz` : undefined,
    args.to ? sql`lower(s.during) < ${args.to}::timestamptz` : undefined,
  ];
}

const SESSION_KEYS = [
  ['lower(s.during)', 'timestamp'],
  ['s.id', 'uuid'],
] as const;

interface PgError {
  code?: string;
  constraint?: string;
}
const isOverlap = (error: unknown): boolean => {
  const pg = (error as { driverError?: PgError } & PgError) ?? {};
  return (pg.code ?? pg.driverError?.code) === '23P01' && (pg.constraint ?? pg.driverError?.constraint) === OVERLAP_CONSTRAINT;
};

@Injectable()
export class SessionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox<EventPayloads>,
    private readonly steps: DisputeStepsService,
    private readonly clock: Clock,
  ) {}

  async schedule(principal: Principal, input: ScheduleSessionInput): Promise<SessionType> {
    if (input.endsAt.getTime() <= input.startsAt.getTime()) throw SessionErrors.endsBeforeStart();
    if (input.endsAt.getTime() - input.startsAt.getTime() > MAX_SESSION_MS) throw SessionErrors.tooLong();
    const mediatorIds = [...new Set(input.mediatorIds.map(uuidKey))];
    const departmentIds = [...new Set((input.departmentIds ?? []).map(uuidKey))];
    const id = randomUUID();
    try {
      await this.dataSource.transaction(async (manager) => {
        const dispute = await this.steps.lockForActor(manager, principal, input.disputeId);
        if (dispute.status !== 'ACCEPTED' && dispute.status !== 'IN_MEDIATION')
          throw SessionErrors.disputeNotOpenForSessions(dispute.status);
        await this.checkRoomAndPeople(manager, dispute, input.roomId, mediatorIds, departmentIds);
        // The exclusion constraint, not this code, decides whether the room is free: two bookings racing both reach here.
        await manager.query(
          `INSERT INTO mediation_session (id, dispute_id, room_id, during, level, scheduled_by, scheduled_at)
           VALUES ($1, $2, $3, tstzrange($4, $5, '[)'), $6::dispute_level, $7, $8)`,
          [id, dispute.id, input.roomId, input.startsAt, input.endsAt, dispute.level, principal.userId, this.clock.now()],
        );
        await manager.query(`INSERT INTO mediation_session_mediator (session_id, mediator_id) SELECT $1, m FROM unnest($2::uuid[]) AS m`, [
          id,
          mediatorIds,
        ]);
        await manager.query(
          `INSERT INTO mediation_session_department (session_id, department_id) SELECT $1, x FROM unnest($2::uuid[]) AS x`,
          [id, departmentIds],
        );
        const now = await this.steps.startMediationIfAccepted(manager, principal, dispute);
        await this.steps.timeline(manager, principal, now, 'SESSION_SCHEDULED', now.status, now.level, null);
        await this.publish(manager, MediationEvents.sessionScheduled, id);
      });
    } catch (error) {
      if (!isOverlap(error)) throw error;
      const [taken] = await this.dataSource.query<{ startsAt: string; endsAt: string }[]>(
        `SELECT lower(during) AS "startsAt", upper(during) AS "endsAt" FROM mediation_session
         WHERE room_id = $1 AND status <> 'CANCELLED' AND during && tstzrange($2, $3, '[)') ORDER BY lower(during) LIMIT 1`,
        [input.roomId, input.startsAt, input.endsAt],
      );
      const [room] = await this.dataSource.query<{ name: string }[]>(`SELECT name FROM room WHERE id = $1`, [input.roomId]);
      throw SessionErrors.roomBooked(
        room?.name ?? input.roomId,
        taken && { startsAt: new Date(taken.startsAt).toISOString(), endsAt: new Date(taken.endsAt).toISOString() },
      );
    }
    return this.byIdUnchecked(id);
  }

  private async checkRoomAndPeople(
    manager: EntityManager,
    dispute: DisputeRow,
    roomId: string,
    mediatorIds: string[],
    departmentIds: string[],
  ): Promise<void> {
    const [room] = await manager.query<{ centreId: string | null; covers: boolean }[]>(
      `SELECT centre_id AS "centreId", area_path @> $2::ltree AS covers FROM room WHERE id = $1`,
      [roomId, dispute.gridPath],
    );
    if (!room) throw PlatformErrors.roomNotFound(roomId);
    if (!room.covers) throw SessionErrors.roomOutOfArea();
    const fit = await manager.query<{ id: string }[]>(
      `SELECT m.id FROM mediator m JOIN mediation_committee c ON c.id = m.committee_id
       WHERE m.id = ANY($1::uuid[]) AND m.active AND c.level = $2::dispute_level AND c.area_path = $3::ltree`,
      [mediatorIds, dispute.level, areaAtLevel(dispute.gridPath, dispute.level)],
    );
    const outside = mediatorIds.filter((m) => !fit.some((f) => f.id === m));
    if (outside.length > 0) throw SessionErrors.mediatorNotAtLevel(outside);
    if (departmentIds.length === 0) return;
    // In a centre: the departments seated there. In a committee's own room (a judge visiting Lao Wang's
    // room): departments seated in a centre that serves the dispute's area, so every id is one the platform knows.
    const seated = await manager.query<{ id: string }[]>(
      room.centreId
        ? `SELECT department_id::text AS id FROM mediation_centre_department WHERE centre_id = $1 AND department_id = ANY($2::uuid[])`
        : `SELECT DISTINCT cd.department_id::text AS id FROM mediation_centre_department cd JOIN mediation_centre c ON c.id = cd.centre_id
           WHERE c.area_path @> $1::ltree AND cd.department_id = ANY($2::uuid[])`,
      [room.centreId ?? dispute.gridPath, departmentIds],
    );
    const missing = departmentIds.filter((d) => !seated.some((s) => s.id === d));
    if (missing.length > 0) throw room.centreId ? SessionErrors.departmentNotSeated(missing) : SessionErrors.departmentNotInArea(missing);
  }

  private async publish(manager: EntityManager, type: EventTypesWith<SessionData>, sessionId: string): Promise<void> {
    const [row] = await manager.query<SessionEventRow[]>(`SELECT ${sessionEventColumns('s')} FROM mediation_session s WHERE s.id = $1`, [
      sessionId,
    ]);
    await this.outbox.add(manager, { type, aggregateType: 'Dispute', aggregateId: row.disputeId, data: toSessionData(row) });
  }

  /** Locks a session and its dispute for an actor of the dispute's committee. */
  private async lockSession(
    manager: EntityManager,
    principal: Principal,
    sessionId: string,
  ): Promise<{ status: string; startsAt: Date; dispute: DisputeRow }> {
    const [row] = await manager.query<{ status: string; startsAt: Date; disputeId: string }[]>(
      `SELECT status, lower(during) AS "startsAt", dispute_id AS "disputeId" FROM mediation_session WHERE id = $1 FOR UPDATE`,
      [sessionId],
    );
    if (!row) throw SessionErrors.notFound(sessionId);
    const dispute = await this.steps.lockForActor(manager, principal, row.disputeId).catch((error: unknown) => {
      throw error instanceof Error && 'reason' in error && error.reason === 'DISPUTE_NOT_FOUND' ? SessionErrors.notFound(sessionId) : error;
    });
    return { status: row.status, startsAt: row.startsAt, dispute };
  }

  async record(principal: Principal, input: RecordSessionInput): Promise<SessionType> {
    await this.dataSource.transaction(async (manager) => {
      const { status, startsAt, dispute } = await this.lockSession(manager, principal, input.sessionId);
      if (status !== 'SCHEDULED') throw SessionErrors.notScheduled(status);
      const now = this.clock.now();
      // Minutes of a meeting that has not begun would be invented.
      if (now.getTime() < new Date(startsAt).getTime()) throw SessionErrors.notStarted(new Date(startsAt).toISOString());
      const attendance = input.attendance ?? [];
      const partyIds = [...new Set(attendance.map((a) => uuidKey(a.partyId)))];
      if (partyIds.length > 0) {
        const known = await manager.query<{ id: string }[]>(`SELECT id FROM dispute_party WHERE dispute_id = $1 AND id = ANY($2::uuid[])`, [
          dispute.id,
          partyIds,
        ]);
        const unknown = partyIds.filter((p) => !known.some((k) => k.id === p));
        if (unknown.length > 0) throw SessionErrors.unknownParty(unknown);
      }
      await manager.query(`UPDATE mediation_session SET status = 'HELD', minutes = $2, held_at = $3 WHERE id = $1`, [
        input.sessionId,
        input.minutes,
        now,
      ]);
      await manager.query(
        `INSERT INTO mediation_attendance (session_id, party_id, present)
         SELECT $1, a.party_id, bool_or(a.present) FROM unnest($2::uuid[], $3::boolean[]) AS a (party_id, present) GROUP BY a.party_id`,
        [input.sessionId, attendance.map((a) => uuidKey(a.partyId)), attendance.map((a) => a.present)],
      );
      await this.steps.timeline(manager, principal, dispute, 'SESSION_HELD', dispute.status, dispute.level, null, now);
      await this.publish(manager, MediationEvents.sessionHeld, input.sessionId);
    });
    return this.byIdUnchecked(input.sessionId);
  }

  async cancel(principal: Principal, input: CancelSessionInput): Promise<SessionType> {
    await this.dataSource.transaction(async (manager) => {
      const { status, dispute } = await this.lockSession(manager, principal, input.sessionId);
      if (status !== 'SCHEDULED') throw SessionErrors.notScheduled(status);
      await this.steps.cancelSessions(manager, principal, dispute, 'CANCELLED_BY_COMMITTEE', {
        sessionId: input.sessionId,
        note: input.reason ?? null,
      });
    });
    return this.byIdUnchecked(input.sessionId);
  }

  attendanceCounts(session: SessionType): AttendanceCountsType {
    const present = session.attendance.filter((a) => a.present).length;
    return { present, absent: session.attendance.length - present };
  }

  private async byIdUnchecked(id: string): Promise<SessionType> {
    const [row] = await this.dataSource.query<SessionType[]>(`SELECT ${COLUMNS} FROM ${FROM} WHERE s.id = $1`, [id]);
    if (!row) throw SessionErrors.notFound(id);
    return row;
  }

  async byId(principal: Principal, id: string): Promise<SessionType> {
    const params: unknown[] = [id];
    const [row] = await this.dataSource.query<SessionType[]>(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE s.id = $1 AND ${sessionVisibility(principal, params)}`,
      params,
    );
    if (!row) throw SessionErrors.notFound(id);
    return row;
  }

  async list(principal: Principal, args: SessionsArgs): Promise<Connection<SessionType>> {
    return listPage(this.dataSource, {
      columns: sql.raw(COLUMNS),
      from: sql.raw(FROM),
      where: [
        sql.params((params) => sessionVisibility(principal, params)),
        ...rangeTerms(args),
        args.roomId ? sql`s.room_id = ${args.roomId}::uuid` : undefined,
        args.disputeId ? sql`s.dispute_id = ${args.disputeId}::uuid` : undefined,
        args.departmentId
          ? sql`EXISTS (SELECT 1 FROM mediation_session_department x WHERE x.session_id = s.id AND x.department_id = ${args.departmentId}::uuid)`
          : undefined,
      ],
      keys: SESSION_KEYS,
      direction: 'ASC',
      orderBy: sql.raw(ORDER),
      page: args,
      map: (r: SessionType) => r,
      cursorOf,
    });
  }

  /** `Dispute.sessions` for a batch of disputes: per dispute its total and page, in one statement. */
  loadByDisputes(principal: Principal, disputeIds: readonly string[], args: SessionPageArgs): Promise<Connection<SessionType>[]> {
    return this.pagesByKeys(principal, disputeIds, args, `s.dispute_id = k.id`);
  }

  async loadByIds(principal: Principal, ids: readonly string[]): Promise<(SessionType | Error)[]> {
    const keys = ids.map(uuidKey);
    const params: unknown[] = [keys.filter(isUuid)];
    const rows = await this.dataSource.query<SessionType[]>(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE s.id = ANY($1::uuid[]) AND ${sessionVisibility(principal, params)}`,
      params,
    );
    return orderByKeys(keys, rows, (r) => r.id, SessionErrors.notFound);
  }

  /** `Department.mediationSessions` for a batch of departments: per department its total and page, in one statement. */
  loadByDepartments(principal: Principal, departmentIds: readonly string[], args: SessionPageArgs): Promise<Connection<SessionType>[]> {
    return this.pagesByKeys(
      principal,
      departmentIds,
      args,
      `EXISTS (SELECT 1 FROM mediation_session_department k2 WHERE k2.session_id = s.id AND k2.department_id = k.id)`,
    );
  }

  /** A connection per key in one statement; `match` ties a session `s` to the key `k.id`. */
  private async pagesByKeys(
    principal: Principal,
    ids: readonly string[],
    args: SessionPageArgs,
    match: string,
  ): Promise<Connection<SessionType>[]> {
    const keys = ids.map(uuidKey);
    const where = sql.and([sql.raw(match), sql.params((params) => sessionVisibility(principal, params)), ...rangeTerms(args)]);
    const after = keysetSql(args.after, SESSION_KEYS, 'ASC');
    const rows = await queryRows<KeyedRow<SessionType>>(
      this.dataSource,
      sql`SELECT k.id::text AS "key", c.total, p.*
       FROM unnest(${keys.filter(isUuid)}::uuid[]) AS k (id)
       CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM ${sql.raw(FROM)} WHERE ${where}) c
       LEFT JOIN LATERAL (
         SELECT ${sql.raw(COLUMNS)} FROM ${sql.raw(FROM)} WHERE ${sql.and([where, after])} ORDER BY ${sql.raw(ORDER)} LIMIT ${args.first + 1}
       ) p ON TRUE
       ORDER BY k.id, p."startsAt", p.id`,
    );
    return keyedConnections(keys, rows, args.first, (r) => r, cursorOf);
  }
}
