import { createHmac, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { FIELDS, inReach, mayUnmask, Principal, RULES } from '@civgrid/auth';
import { maskPhone, PiiCipher, recordPiiReads } from '@civgrid/pii';
import { CheckInRecordedData, PopulationEvents, ReactionEvents, WellbeingCheckMissedData, EventPayloads } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { Clock, CONFIG, groupByKeys } from '@civgrid/service-kit';
import { PopulationRegistryConfig } from '../config/config';
import { gridReach, purposeOf } from '../registry/access';
import { MemberAssignments } from './member-assignments';
import { wellFormed } from '../registry/ids';
import { DISTRICT_TZ, localDay } from '../registry/grid-counts';
import { ResidentErrors } from '../resident/resident.errors';
import { CareErrors } from './care.errors';
import { AgreeWellbeingCheckInput, RecordCheckInInput } from './dto/care.inputs';
import {
  CheckInTokenType,
  CheckSignalEnum,
  CheckStateEnum,
  WellbeingAgreementType,
  WellbeingCheckDueType,
  WellbeingCheckInType,
  WellbeingContactType,
} from './dto/care.type';

interface AgreementRow {
  id: string;
  residentId: string;
  signal: string;
  deadlineMinute: number;
  days: number[];
  graceMinutes: number;
  responsibleMemberId: string | null;
  active: boolean;
  contactsCipher: Buffer | null;
  checkInNonce: string;
}

const AGREEMENT_COLUMNS = `a.id, a.resident_id AS "residentId", a.signal, a.deadline_minute AS "deadlineMinute", a.days::int[] AS days,
  a.grace_minutes AS "graceMinutes", a.responsible_member_id AS "responsibleMemberId", a.active,
  a.contacts_cipher AS "contactsCipher", a.check_in_nonce AS "checkInNonce"`;

const hhmm = (minute: number): string => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

const toAgreementType = (r: AgreementRow): WellbeingAgreementType => ({
  id: r.id,
  residentId: r.residentId,
  signal: r.signal as CheckSignalEnum,
  deadline: hhmm(r.deadlineMinute),
  days: r.days,
  graceMinutes: r.graceMinutes,
  responsibleMemberId: r.responsibleMemberId,
  active: r.active,
  contactsCipher: r.contactsCipher,
});

/** The instant of a local (Asia/Shanghai, UTC+8) time of day. */
export const deadlineAt = (day: string, minute: number): Date => new Date(Date.parse(`${day}T00:00:00Z`) + minute * 60_000 - 8 * 3600_000);

export const WELLBEING_JOB = 'wellbeing-check-misses';

const CHECK_IN_COLUMNS = `id, agreement_id AS "agreementId", to_char(day, 'YYYY-MM-DD') AS day, at, signal`;

/** Who recorded a check-in the resident's phone sent: no staff user, the resident themselves. */
export const RESIDENT_APP = 'resident-app';

@Injectable()
export class CareService {
  private readonly tokenKey: Buffer;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox<EventPayloads>,
    private readonly clock: Clock,
    private readonly cipher: PiiCipher,
    private readonly assignments: MemberAssignments,
    @Inject(CONFIG) config: PopulationRegistryConfig,
  ) {
    // A key of its own: a leaked token key must not help with the ID-number hashes, and the other way round.
    this.tokenKey = config.CHECK_IN_TOKEN_KEY
      ? Buffer.from(config.CHECK_IN_TOKEN_KEY, 'base64')
      : Buffer.from(hkdfSync('sha256', Buffer.from(config.PII_HASH_KEY, 'base64'), Buffer.alloc(0), 'civgrid check-in token v1', 32));
  }

  private sign(agreementId: string, nonce: string): string {
    return createHmac('sha256', this.tokenKey).update(`${agreementId}:${nonce}`).digest('base64url');
  }

  /**
   * An agreement's contacts: names and phones masked unless the role needs them and a purpose is
   * stated; the unmasked reads of a batch are audited in one insert.
   */
  async contacts(
    principal: Principal,
    agreements: readonly WellbeingAgreementType[],
    purpose: string | undefined,
  ): Promise<WellbeingContactType[][]> {
    const why = purposeOf(purpose);
    const unmasked = why !== undefined && mayUnmask(principal, FIELDS.registry.phone);
    const lists = agreements.map((a) =>
      a.contactsCipher ? (JSON.parse(this.cipher.decrypt(a.contactsCipher)) as WellbeingContactType[]) : [],
    );
    if (!unmasked)
      return lists.map((list) => list.map((c) => ({ name: `${c.name.slice(0, 1)}*`, relation: c.relation, phone: maskPhone(c.phone) })));
    await recordPiiReads(
      this.dataSource.manager,
      agreements
        .filter((_, i) => lists[i].length > 0)
        .map((a) => ({
          actor: principal.userId,
          actorRoles: principal.roles,
          subjectType: 'WellbeingAgreement',
          subjectId: a.id,
          fields: ['contacts'],
          purpose: why,
        })),
    );
    return lists;
  }

  /** The resident of an agreement, locked; one out of the writer's reach is not found. */
  private async writableResident(
    manager: EntityManager,
    principal: Principal,
    residentId: string,
    notFound: () => Error = () => ResidentErrors.notFound(residentId),
  ): Promise<{ id: string; gridId: string; path: string; status: string }> {
    const [row] = await manager.query<{ id: string; gridId: string; path: string; status: string }[]>(
      `SELECT r.id, r.grid_id AS "gridId", g.path::text AS path, r.status FROM resident r JOIN grid_replica g ON g.id = r.grid_id WHERE r.id = $1 FOR UPDATE OF r`,
      [residentId],
    );
    return inReach(principal, RULES.care.write, row, (r) => ({ path: r.path, gridId: r.gridId }), notFound);
  }

  /** An agreement whose resident the writer reaches; any other is not found. */
  private async writableAgreement(manager: EntityManager, principal: Principal, id: string): Promise<AgreementRow> {
    const agreement = await this.agreement(manager, id);
    await this.writableResident(manager, principal, agreement.residentId, () => CareErrors.agreementNotFound(id));
    return agreement;
  }

  async agree(principal: Principal, input: AgreeWellbeingCheckInput): Promise<WellbeingAgreementType> {
    const days = [...new Set(input.days)];
    if (days.length !== input.days.length) throw CareErrors.daysInvalid();
    const [h, m] = input.deadline.split(':').map(Number);
    return this.dataSource.transaction(async (manager) => {
      const resident = await this.writableResident(manager, principal, input.residentId);
      if (resident.status !== 'ACTIVE') throw ResidentErrors.notActive(resident.id);
      // Whoever answers for a missed check must be someone who works on the resident's grid.
      if (
        input.responsibleMemberId &&
        !(await this.assignments.worksOn(manager, input.responsibleMemberId, resident.path, this.clock.now()))
      ) {
        throw CareErrors.responsibleMemberNotFound(input.responsibleMemberId);
      }
      const rows = await manager.query<AgreementRow[]>(
        `INSERT INTO wellbeing_agreement AS a (id, resident_id, signal, deadline_minute, days, grace_minutes, responsible_member_id, created_at, contacts_cipher)
         VALUES ($1, $2, $3, $4, $5::smallint[], $6, $7, $8, $9)
         ON CONFLICT (resident_id) WHERE active DO NOTHING RETURNING ${AGREEMENT_COLUMNS}`,
        [
          randomUUID(),
          resident.id,
          input.signal,
          h * 60 + m,
          days.sort(),
          input.graceMinutes,
          input.responsibleMemberId ?? null,
          this.clock.now(),
          input.contacts.length > 0
            ? this.cipher.encrypt(JSON.stringify(input.contacts.map(({ name, relation, phone }) => ({ name, relation, phone }))))
            : null,
        ],
      );
      if (!rows[0]) throw CareErrors.agreementExists();
      return toAgreementType(rows[0]);
    });
  }

  async end(principal: Principal, agreementId: string): Promise<WellbeingAgreementType> {
    return this.dataSource.transaction(async (manager) => {
      const agreement = await this.writableAgreement(manager, principal, agreementId);
      if (!agreement.active) throw CareErrors.agreementEnded();
      await manager.query(`UPDATE wellbeing_agreement SET active = false WHERE id = $1`, [agreement.id]);
      return toAgreementType({ ...agreement, active: false });
    });
  }

  private async agreement(manager: EntityManager, id: string): Promise<AgreementRow> {
    const [row] = await manager.query<AgreementRow[]>(`SELECT ${AGREEMENT_COLUMNS} FROM wellbeing_agreement a WHERE a.id = $1`, [id]);
    if (!row) throw CareErrors.agreementNotFound(id);
    return row;
  }

  /** Idempotent per agreement and day: a phone retrying on a weak network gets the first check-in back. */
  async checkIn(principal: Principal, input: RecordCheckInInput): Promise<WellbeingCheckInType> {
    const at = this.checkInTime(input.at);
    return this.dataSource.transaction(async (manager) => {
      const agreement = await this.writableAgreement(manager, principal, input.agreementId);
      const resident = await this.writableResident(manager, principal, agreement.residentId);
      if (!agreement.active) throw CareErrors.agreementEnded();
      return this.record(manager, agreement, resident, at, principal.userId, agreement.signal as CheckSignalEnum);
    });
  }

  /**
   * A token for the resident's own phone: whoever holds it can check this resident in, and nothing
   * else. Issuing one revokes those issued before (a fresh nonce); ending the agreement ends them all.
   */
  async issueCheckInToken(principal: Principal, agreementId: string): Promise<CheckInTokenType> {
    return this.dataSource.transaction(async (manager) => {
      const agreement = await this.writableAgreement(manager, principal, agreementId);
      if (!agreement.active) throw CareErrors.agreementEnded();
      const [[row]] = await manager.query<[{ nonce: string }[], number]>(
        `UPDATE wellbeing_agreement SET check_in_nonce = gen_random_uuid() WHERE id = $1 RETURNING check_in_nonce AS nonce`,
        [agreement.id],
      );
      return { agreementId: agreement.id, token: `${agreement.id}.${this.sign(agreement.id, row.nonce)}` };
    });
  }

  /** Every token issued for the agreement stops working. */
  async revokeCheckInTokens(principal: Principal, agreementId: string): Promise<WellbeingAgreementType> {
    return this.dataSource.transaction(async (manager) => {
      const agreement = await this.writableAgreement(manager, principal, agreementId);
      await manager.query(`UPDATE wellbeing_agreement SET check_in_nonce = gen_random_uuid() WHERE id = $1`, [agreement.id]);
      return toAgreementType(agreement);
    });
  }

  /** The resident checks in from their phone with the token: no staff role, signal APP_CHECK_IN, once per day. */
  async checkInWithToken(token: string, when?: Date): Promise<WellbeingCheckInType> {
    const at = this.checkInTime(when);
    const [agreementId, signature] = token.split('.');
    if (!agreementId || !signature || !/^[0-9a-f-]{36}$/i.test(agreementId)) throw CareErrors.tokenInvalid();
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<(AgreementRow & { gridId: string })[]>(
        `SELECT ${AGREEMENT_COLUMNS}, r.grid_id AS "gridId" FROM wellbeing_agreement a JOIN resident r ON r.id = a.resident_id WHERE a.id = $1`,
        [agreementId],
      );
      const expected = row ? Buffer.from(this.sign(row.id, row.checkInNonce)) : Buffer.alloc(0);
      const given = Buffer.from(signature);
      if (!row || expected.length !== given.length || !timingSafeEqual(expected, given)) throw CareErrors.tokenInvalid();
      if (!row.active) throw CareErrors.agreementEnded();
      return this.record(manager, row, { id: row.residentId, gridId: row.gridId }, at, RESIDENT_APP, CheckSignalEnum.APP_CHECK_IN);
    });
  }

  private checkInTime(at: Date | undefined): Date {
    const now = this.clock.now();
    const when = at ?? now;
    if (when.getTime() > now.getTime() + 60_000) throw CareErrors.checkInInFuture();
    return when;
  }

  private async record(
    manager: EntityManager,
    agreement: AgreementRow,
    resident: { id: string; gridId: string },
    at: Date,
    recordedBy: string,
    signal: CheckSignalEnum,
  ): Promise<WellbeingCheckInType> {
    const day = localDay(at);
    const id = randomUUID();
    const inserted = await manager.query<{ id: string }[]>(
      `INSERT INTO wellbeing_check_in (id, agreement_id, day, at, recorded_by, signal) VALUES ($1, $2, $3::date, $4, $5, $6)
       ON CONFLICT ON CONSTRAINT uq_wellbeing_check_in_day DO NOTHING RETURNING id`,
      [id, agreement.id, day, at, recordedBy, signal],
    );
    if (inserted[0]) {
      const data: CheckInRecordedData = {
        checkInId: id,
        agreementId: agreement.id,
        residentId: resident.id,
        gridId: resident.gridId,
        day,
        signal,
        byResident: recordedBy === RESIDENT_APP,
      };
      await this.outbox.add(manager, { type: PopulationEvents.checkInRecorded, aggregateType: 'Resident', aggregateId: resident.id, data });
    }
    const [row] = await manager.query<WellbeingCheckInType[]>(
      `SELECT ${CHECK_IN_COLUMNS} FROM wellbeing_check_in WHERE agreement_id = $1 AND day = $2::date`,
      [agreement.id, day],
    );
    return row;
  }

  /**
   * One round of the missed-check job: every check due yesterday or today (district days) whose
   * deadline plus grace has passed without a check-in, and for which no alarm was raised yet. The
   * `wellbeing_miss` primary key (resident, day) makes "exactly once" hold across rounds, restarts
   * and instances; yesterday is included so a round after downtime still catches up.
   */
  async raiseMisses(now: Date, manager: EntityManager): Promise<number> {
    const missed = await manager.query<(WellbeingCheckMissedData & { deadlineMinute: number })[]>(
      `WITH day AS (
         SELECT d::date AS day FROM generate_series(($1::timestamptz AT TIME ZONE '${DISTRICT_TZ}')::date - 1, ($1::timestamptz AT TIME ZONE '${DISTRICT_TZ}')::date, interval '1 day') d
       ), due AS (
         SELECT a.id AS agreement_id, a.resident_id, day.day, a.deadline_minute,
                (day.day + make_interval(mins => a.deadline_minute)) AT TIME ZONE '${DISTRICT_TZ}' AS deadline_at, a.grace_minutes, a.created_at
           FROM wellbeing_agreement a JOIN resident r ON r.id = a.resident_id AND r.status = 'ACTIVE' CROSS JOIN day
          WHERE a.active AND extract(isodow FROM day.day)::smallint = ANY(a.days)
       ), fresh AS (
         INSERT INTO wellbeing_miss (resident_id, day, agreement_id, raised_at)
         SELECT due.resident_id, due.day, due.agreement_id, $1 FROM due
          WHERE due.deadline_at + make_interval(mins => due.grace_minutes) <= $1
            AND due.created_at <= due.deadline_at
            AND NOT EXISTS (SELECT 1 FROM wellbeing_check_in c WHERE c.agreement_id = due.agreement_id AND c.day = due.day)
         ON CONFLICT ON CONSTRAINT pk_wellbeing_miss DO NOTHING
         RETURNING resident_id, day, agreement_id
       )
       SELECT f.agreement_id AS "agreementId", f.resident_id AS "residentId", r.grid_id AS "gridId", g.path::text AS "gridPath",
              a.responsible_member_id AS "responsibleMemberId", to_char(f.day, 'YYYY-MM-DD') AS day, a.deadline_minute AS "deadlineMinute"
         FROM fresh f JOIN wellbeing_agreement a ON a.id = f.agreement_id JOIN resident r ON r.id = f.resident_id JOIN grid_replica g ON g.id = r.grid_id
        ORDER BY f.day, f.resident_id`,
      [now],
    );
    if (missed.length === 0) return 0;
    await this.outbox.add(
      manager,
      ...missed.map(({ deadlineMinute, ...m }) => {
        const data: WellbeingCheckMissedData = { ...m, deadline: deadlineAt(m.day, deadlineMinute).toISOString() };
        return { type: ReactionEvents.wellbeingCheckMissed, aggregateType: 'Resident', aggregateId: m.residentId, data };
      }),
    );
    return missed.length;
  }

  /** Today's checks for a batch of grids, earliest deadline first, in one statement. */
  async loadDueToday(principal: Principal, gridIds: readonly string[]): Promise<WellbeingCheckDueType[][]> {
    const now = this.clock.now();
    const day = localDay(now);
    const params: unknown[] = [wellFormed(gridIds), day];
    const rows = await this.dataSource.query<(AgreementRow & { gridId: string; checkedInAt: Date | null; missed: boolean })[]>(
      `SELECT ${AGREEMENT_COLUMNS}, r.grid_id AS "gridId", c.at AS "checkedInAt", (m.day IS NOT NULL) AS missed
         FROM wellbeing_agreement a
         JOIN resident r ON r.id = a.resident_id AND r.status = 'ACTIVE'
         JOIN grid_replica g ON g.id = r.grid_id
         LEFT JOIN wellbeing_check_in c ON c.agreement_id = a.id AND c.day = $2::date
         LEFT JOIN wellbeing_miss m ON m.resident_id = a.resident_id AND m.day = $2::date
        WHERE r.grid_id = ANY($1::uuid[]) AND a.active AND extract(isodow FROM $2::date)::smallint = ANY(a.days)
          AND ${gridReach(principal, RULES.care.read, 'g', params)}
        ORDER BY r.grid_id, a.deadline_minute, a.id`,
      params,
    );
    const due = rows.map((r) => {
      const at = deadlineAt(day, r.deadlineMinute);
      const state = r.checkedInAt
        ? CheckStateEnum.CHECKED_IN
        : r.missed
          ? CheckStateEnum.MISSED
          : now >= at
            ? CheckStateEnum.OVERDUE
            : CheckStateEnum.PENDING;
      return {
        gridId: r.gridId,
        residentId: r.residentId,
        agreement: toAgreementType(r),
        deadlineAt: at,
        state,
        checkedInAt: r.checkedInAt,
      };
    });
    return groupByKeys(gridIds, due, (d) => d.gridId);
  }

  async agreementsOf(residentIds: readonly string[]): Promise<WellbeingAgreementType[][]> {
    const rows = await this.dataSource.query<AgreementRow[]>(
      `SELECT ${AGREEMENT_COLUMNS} FROM wellbeing_agreement a WHERE a.resident_id = ANY($1::uuid[]) ORDER BY a.created_at`,
      [residentIds],
    );
    return groupByKeys(residentIds, rows.map(toAgreementType), (a) => a.residentId);
  }
}
