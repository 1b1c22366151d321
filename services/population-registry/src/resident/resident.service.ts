import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { canReach, fieldLevel, FIELDS, inReach, mayUnmask, Principal, RULES } from '@civgrid/auth';
import { HouseholdMembershipData, PopulationEvents, ResidentEventData, TagEventData, EventPayloads } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { maskNationalId, maskPhone, PHONE_PATTERN, PiiCipher, recordPiiReads } from '@civgrid/pii';
import { Clock, Connection, createdOrder, groupByKeys, keysetSql, orderByKeys, queryRows, sql, toConnection } from '@civgrid/service-kit';
import { HouseholdErrors } from '../household/household.errors';
import { HouseholdService } from '../household/household.service';
import { gridReach, purposeOf } from '../registry/access';
import { lockClientId, wellFormed } from '../registry/ids';
import { localDay, raiseGridCounts } from '../registry/grid-counts';
import { parseNationalId } from './national-id';
import { ResidentErrors } from './resident.errors';
import {
  AddResidentTagInput,
  ChangeResidentStatusInput,
  EndResidentTagInput,
  RecordResidentReturnedInput,
  RegisterResidentInput,
  ResidentsArgs,
  TransferResidentInput,
} from './dto/resident.inputs';
import { ResidentStatusEnum, ResidentTagType, ResidentType, SexEnum } from './dto/resident.type';

export interface ResidentRow {
  id: string;
  name: string;
  relation: string;
  birthDate: string;
  sex: string;
  status: string;
  createdAt: string;
  householdId: string;
  gridId: string;
  nationalIdCipher: Buffer;
  phoneCipher: Buffer | null;
}

export const RESIDENT_COLUMNS = `r.id, r.name, r.relation, to_char(r.birth_date, 'YYYY-MM-DD') AS "birthDate", r.sex, r.status,
  to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt", r.household_id AS "householdId", r.grid_id AS "gridId",
  r.national_id_cipher AS "nationalIdCipher", r.phone_cipher AS "phoneCipher"`;

/** Full years between a YYYY-MM-DD birth date and a YYYY-MM-DD day. */
export function ageOn(birthDate: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return day.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** The latest birth date of someone `years` old on `day` (29 February falls back to 28). */
export function bornBy(day: string, years: number): string {
  const y = Number(day.slice(0, 4)) - years;
  const md = day.slice(5) === '02-29' ? '02-28' : day.slice(5);
  return `${String(y).padStart(4, '0')}-${md}`;
}

export const normalisePhone = (phone: string): string => phone.replace(/[\s()-]/g, '');

const HEAD = '户主';

@Injectable()
export class ResidentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox<EventPayloads>,
    private readonly clock: Clock,
    private readonly cipher: PiiCipher,
    private readonly households: HouseholdService,
  ) {}

  toType = (r: ResidentRow): ResidentType => ({
    id: r.id,
    name: r.name,
    relation: r.relation,
    birthDate: r.birthDate,
    sex: r.sex as SexEnum,
    age: ageOn(r.birthDate, localDay(this.clock.now())),
    status: r.status as ResidentStatusEnum,
    createdAt: new Date(r.createdAt),
    householdId: r.householdId,
    gridId: r.gridId,
    nationalIdCipher: r.nationalIdCipher,
    phoneCipher: r.phoneCipher,
  });

  /** Validated, normalised personal fields, or a refusal that never repeats them. */
  personal(nationalId: string, phone: string | null | undefined): { id: string; birthDate: string; sex: string; phone: string | null } {
    const parsed = parseNationalId(nationalId, this.clock.now());
    if (typeof parsed === 'string') throw ResidentErrors.nationalIdInvalid(parsed);
    // A form sends `phone: null` for "no phone" as often as it leaves it out.
    const p = phone === undefined || phone === null ? null : normalisePhone(phone);
    if (p !== null && !PHONE_PATTERN.test(p)) throw ResidentErrors.phoneInvalid();
    return { id: parsed.value, birthDate: parsed.birthDate, sex: parsed.sex, phone: p };
  }

  async register(principal: Principal, input: RegisterResidentInput): Promise<ResidentType> {
    const person = this.personal(input.nationalId, input.phone);
    return this.dataSource.transaction(async (manager) => {
      const household = await this.households.writable(manager, principal, input.householdId, RULES.registry.write);
      const id = input.id ?? randomUUID();
      if (input.id) {
        // Sent again (the phone's queue): the resident comes back as first registered, once.
        await lockClientId(manager, input.id);
        const [earlier] = await manager.query<(ResidentRow & { hash: Buffer })[]>(
          `SELECT ${RESIDENT_COLUMNS}, r.national_id_hash AS hash FROM resident r WHERE r.id = $1`,
          [input.id],
        );
        if (earlier) {
          if (earlier.householdId !== household.id || !earlier.hash.equals(this.cipher.hash(person.id))) throw ResidentErrors.idTaken();
          return this.toType(earlier);
        }
      }
      const now = this.clock.now();
      const rows = await manager.query<ResidentRow[]>(
        `INSERT INTO resident AS r (id, household_id, grid_id, name, relation, national_id_cipher, national_id_hash, birth_date, sex, phone_cipher, phone_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date, $9, $10, $11, $12)
         ON CONFLICT ON CONSTRAINT uq_resident_national_id_hash DO NOTHING RETURNING ${RESIDENT_COLUMNS}`,
        [
          id,
          household.id,
          household.gridId,
          input.name.trim(),
          input.relation.trim(),
          this.cipher.encrypt(person.id),
          this.cipher.hash(person.id),
          person.birthDate,
          person.sex,
          person.phone === null ? null : this.cipher.encrypt(person.phone),
          person.phone === null ? null : this.cipher.hash(person.phone),
          now,
        ],
      );
      if (!rows[0]) throw ResidentErrors.alreadyRegistered();
      await this.join(manager, household.id, id, input.relation.trim(), 'registered', now);
      const data: ResidentEventData = { residentId: id, householdId: household.id, gridId: household.gridId };
      await this.outbox.add(
        manager,
        { type: PopulationEvents.residentRegistered, aggregateType: 'Resident', aggregateId: id, data },
        { type: PopulationEvents.householdMemberJoined, aggregateType: 'Household', aggregateId: household.id, data },
      );
      await raiseGridCounts(manager, this.outbox, [household.gridId], now);
      return this.toType(rows[0]);
    });
  }

  private async join(
    manager: EntityManager,
    householdId: string,
    residentId: string,
    relation: string,
    reason: string,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO household_membership (household_id, resident_id, relation, joined_at, joined_reason) VALUES ($1, $2, $3, $4, $5)`,
      [householdId, residentId, relation, at, reason],
    );
    if (relation === HEAD) {
      // One head per household: a second one is refused, never silently put in the first one's place.
      const [set] = await manager.query<[{ id: string }[], number]>(
        `UPDATE household SET head_resident_id = $2 WHERE id = $1 AND head_resident_id IS NULL RETURNING id`,
        [householdId, residentId],
      );
      if (set.length === 0) throw HouseholdErrors.headTaken(householdId);
    }
  }

  private async leave(manager: EntityManager, householdId: string, residentId: string, reason: string, at: Date): Promise<void> {
    await manager.query(`UPDATE household_membership SET left_at = $2, left_reason = $3 WHERE resident_id = $1 AND left_at IS NULL`, [
      residentId,
      at,
      reason,
    ]);
    await manager.query(`UPDATE household SET head_resident_id = NULL WHERE id = $1 AND head_resident_id = $2`, [householdId, residentId]);
  }

  /** A resident locked for a change; one out of the writer's reach (their grid's) is not found. */
  private async writable(manager: EntityManager, principal: Principal, id: string): Promise<ResidentType> {
    const [row] = await manager.query<(ResidentRow & { gridPath: string })[]>(
      `SELECT ${RESIDENT_COLUMNS}, g.path::text AS "gridPath" FROM resident r JOIN grid_replica g ON g.id = r.grid_id WHERE r.id = $1 FOR UPDATE OF r`,
      [id],
    );
    return this.toType(
      inReach(
        principal,
        RULES.registry.write,
        row,
        (r) => ({ path: r.gridPath, gridId: r.gridId }),
        () => ResidentErrors.notFound(id),
      ),
    );
  }

  async changeStatus(principal: Principal, input: ChangeResidentStatusInput): Promise<ResidentType> {
    return this.dataSource.transaction(async (manager) => {
      const resident = await this.writable(manager, principal, input.residentId);
      if (resident.status !== ResidentStatusEnum.ACTIVE) throw ResidentErrors.notActive(resident.id);
      const now = this.clock.now();
      const [rows] = await manager.query<[ResidentRow[], number]>(
        `UPDATE resident r SET status = $2 WHERE r.id = $1 RETURNING ${RESIDENT_COLUMNS}`,
        [resident.id, input.status],
      );
      await this.leave(manager, resident.householdId, resident.id, input.reason, now);
      // Nobody checks on someone who has gone.
      await manager.query(`UPDATE wellbeing_agreement SET active = false WHERE resident_id = $1 AND active`, [resident.id]);
      const data: ResidentEventData = { residentId: resident.id, householdId: resident.householdId, gridId: resident.gridId };
      const type = input.status === ResidentStatusEnum.DECEASED ? PopulationEvents.residentDeceased : PopulationEvents.residentMovedOut;
      await this.outbox.add(
        manager,
        { type, aggregateType: 'Resident', aggregateId: resident.id, data },
        { type: PopulationEvents.householdMemberLeft, aggregateType: 'Household', aggregateId: resident.householdId, data },
      );
      await raiseGridCounts(manager, this.outbox, [resident.gridId], now);
      return this.toType(rows[0]);
    });
  }

  async transfer(principal: Principal, input: TransferResidentInput): Promise<ResidentType> {
    return this.dataSource.transaction(async (manager) => {
      const resident = await this.writable(manager, principal, input.residentId);
      if (resident.status !== ResidentStatusEnum.ACTIVE) throw ResidentErrors.notActive(resident.id);
      if (resident.householdId === input.householdId) throw ResidentErrors.sameHousehold();
      const to = await this.households.writable(manager, principal, input.householdId, RULES.registry.write);
      const now = this.clock.now();
      await this.leave(manager, resident.householdId, resident.id, input.reason, now);
      const [rows] = await manager.query<[ResidentRow[], number]>(
        `UPDATE resident r SET household_id = $2, grid_id = $3, relation = $4 WHERE r.id = $1 RETURNING ${RESIDENT_COLUMNS}`,
        [resident.id, to.id, to.gridId, input.relation.trim()],
      );
      await this.join(manager, to.id, resident.id, input.relation.trim(), input.reason, now);
      const left: HouseholdMembershipData = { householdId: resident.householdId, residentId: resident.id, gridId: resident.gridId };
      const joined: HouseholdMembershipData = { householdId: to.id, residentId: resident.id, gridId: to.gridId };
      await this.outbox.add(
        manager,
        { type: PopulationEvents.householdMemberLeft, aggregateType: 'Household', aggregateId: resident.householdId, data: left },
        { type: PopulationEvents.householdMemberJoined, aggregateType: 'Household', aggregateId: to.id, data: joined },
      );
      if (resident.gridId !== to.gridId) await raiseGridCounts(manager, this.outbox, [resident.gridId, to.gridId], now);
      return this.toType(rows[0]);
    });
  }

  /**
   * A resident who moved out comes back (their ID number keeps them one person for good): active
   * again, in the household named, with a new membership. Someone recorded as deceased cannot.
   */
  async returned(principal: Principal, input: RecordResidentReturnedInput): Promise<ResidentType> {
    if (!input.residentId && !input.nationalId) throw ResidentErrors.returnNeedsResident();
    let idHash: Buffer | null = null;
    if (input.nationalId) {
      const parsed = parseNationalId(input.nationalId, this.clock.now());
      if (typeof parsed === 'string') throw ResidentErrors.nationalIdInvalid(parsed);
      idHash = this.cipher.hash(parsed.value);
    }
    return this.dataSource.transaction(async (manager) => {
      const to = await this.households.writable(manager, principal, input.householdId, RULES.registry.write);
      const params: unknown[] = [input.residentId ?? idHash, idHash];
      const [row] = await manager.query<(ResidentRow & { gridPath: string; idMatches: boolean | null })[]>(
        `SELECT ${RESIDENT_COLUMNS}, g.path::text AS "gridPath", r.national_id_hash = $2 AS "idMatches"
           FROM resident r JOIN grid_replica g ON g.id = r.grid_id
          WHERE ${input.residentId ? 'r.id = $1::uuid' : 'r.national_id_hash = $1'} FOR UPDATE OF r`,
        params,
      );
      // The resident they left as must lie in the caller's reach, or the caller holds their ID card:
      // an id alone never moves someone out of another town (nor shows who they are).
      const inReachNow = row !== undefined && canReach(principal, RULES.registry.write, { path: row.gridPath, gridId: row.gridId });
      const byCard = row !== undefined && row.idMatches === true;
      if (!row || (!inReachNow && !byCard) || (idHash !== null && !byCard)) {
        throw ResidentErrors.notFound(input.residentId ?? 'with that national ID number');
      }
      const resident = this.toType(row);
      if (resident.status === ResidentStatusEnum.DECEASED) throw ResidentErrors.deceased(resident.id);
      if (resident.status !== ResidentStatusEnum.MOVED_OUT) throw ResidentErrors.notMovedOut(resident.id);
      if (byCard) {
        await recordPiiReads(manager, [
          {
            actor: principal.userId,
            actorRoles: principal.roles,
            subjectType: 'Resident',
            subjectId: resident.id,
            fields: ['nationalId:return'],
            // The audit wants a purpose of 3 characters or more; the reason may be a single word.
            purpose: `返回登记：${input.reason.trim()}`,
          },
        ]);
      }
      const now = this.clock.now();
      const relation = input.relation.trim();
      const [rows] = await manager.query<[ResidentRow[], number]>(
        `UPDATE resident r SET status = 'ACTIVE', household_id = $2, grid_id = $3, relation = $4 WHERE r.id = $1 RETURNING ${RESIDENT_COLUMNS}`,
        [resident.id, to.id, to.gridId, relation],
      );
      await this.join(manager, to.id, resident.id, relation, input.reason, now);
      const data: ResidentEventData = { residentId: resident.id, householdId: to.id, gridId: to.gridId };
      await this.outbox.add(
        manager,
        { type: PopulationEvents.residentReturned, aggregateType: 'Resident', aggregateId: resident.id, data },
        { type: PopulationEvents.householdMemberJoined, aggregateType: 'Household', aggregateId: to.id, data },
      );
      await raiseGridCounts(manager, this.outbox, [to.gridId], now);
      return this.toType(rows[0]);
    });
  }

  async addTag(principal: Principal, input: AddResidentTagInput): Promise<ResidentTagType> {
    this.assertMayTag(principal);
    return this.dataSource.transaction(async (manager) => {
      const resident = await this.writable(manager, principal, input.residentId);
      const id = randomUUID();
      await manager.query(`INSERT INTO resident_tag (id, resident_id, tag, starts_on, note) VALUES ($1, $2, $3, $4::date, $5)`, [
        id,
        resident.id,
        input.tag,
        input.startsOn,
        input.note ?? null,
      ]);
      const data: TagEventData = { tagId: id, residentId: resident.id, gridId: resident.gridId };
      await this.outbox.add(manager, { type: PopulationEvents.tagAdded, aggregateType: 'Resident', aggregateId: resident.id, data });
      return { id, residentId: resident.id, tag: input.tag, startsOn: input.startsOn, endsOn: null, note: input.note ?? null };
    });
  }

  async endTag(principal: Principal, input: EndResidentTagInput): Promise<ResidentTagType> {
    this.assertMayTag(principal);
    return this.dataSource.transaction(async (manager) => {
      const [found] = await manager.query<(ResidentTagType & { gridId: string; gridPath: string })[]>(
        `SELECT t.id, t.resident_id AS "residentId", t.ends_on AS "endsOn", r.grid_id AS "gridId", g.path::text AS "gridPath"
           FROM resident_tag t JOIN resident r ON r.id = t.resident_id JOIN grid_replica g ON g.id = r.grid_id WHERE t.id = $1 FOR UPDATE OF t`,
        [input.tagId],
      );
      // A tag of a resident out of reach is not found, as one that does not exist.
      const tag = inReach(
        principal,
        RULES.registry.write,
        found,
        (t) => ({ path: t.gridPath, gridId: t.gridId }),
        () => ResidentErrors.tagNotFound(input.tagId),
      );
      const resident = await this.writable(manager, principal, tag.residentId);
      if (tag.endsOn !== null) throw ResidentErrors.tagAlreadyEnded();
      const [rows] = await manager.query<[ResidentTagType[], number]>(
        `UPDATE resident_tag SET ends_on = $2::date WHERE id = $1 AND starts_on <= $2::date
         RETURNING id, resident_id AS "residentId", tag, to_char(starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(ends_on, 'YYYY-MM-DD') AS "endsOn", note`,
        [tag.id, input.endsOn],
      );
      if (!rows[0]) throw ResidentErrors.tagEndsBeforeStart();
      const data: TagEventData = { tagId: tag.id, residentId: resident.id, gridId: resident.gridId };
      await this.outbox.add(manager, { type: PopulationEvents.tagRemoved, aggregateType: 'Resident', aggregateId: resident.id, data });
      return rows[0];
    });
  }

  /** Tags are written by those who may read them. */
  private assertMayTag(principal: Principal): void {
    if (fieldLevel(principal, FIELDS.registry.tags) !== 'plain') throw ResidentErrors.tagsForbidden();
  }

  async byId(principal: Principal, id: string): Promise<ResidentType> {
    const [resident] = await this.loadByIds(principal, [id]);
    if (resident instanceof Error) throw resident;
    return resident;
  }

  /** Found through the keyed hash: the ID number itself is never compared or stored in clear. */
  async byNationalId(principal: Principal, nationalId: string, purpose: string): Promise<ResidentType> {
    const why = purposeOf(purpose)!;
    const parsed = parseNationalId(nationalId, this.clock.now());
    if (typeof parsed === 'string') throw ResidentErrors.nationalIdInvalid(parsed);
    const params: unknown[] = [this.cipher.hash(parsed.value)];
    const [row] = await this.dataSource.query<ResidentRow[]>(
      `SELECT ${RESIDENT_COLUMNS} FROM resident r JOIN grid_replica g ON g.id = r.grid_id WHERE r.national_id_hash = $1 AND ${gridReach(principal, RULES.registry.read, 'g', params)}`,
      params,
    );
    if (!row) throw ResidentErrors.notFound('with that national ID number in your reach');
    await recordPiiReads(this.dataSource.manager, [
      {
        actor: principal.userId,
        actorRoles: principal.roles,
        subjectType: 'Resident',
        subjectId: row.id,
        fields: ['nationalId:lookup'],
        purpose: why,
      },
    ]);
    return this.toType(row);
  }

  async loadByIds(principal: Principal, ids: readonly string[]): Promise<(ResidentType | Error)[]> {
    const params: unknown[] = [wellFormed(ids)];
    const rows = await this.dataSource.query<ResidentRow[]>(
      `SELECT ${RESIDENT_COLUMNS} FROM resident r JOIN grid_replica g ON g.id = r.grid_id WHERE r.id = ANY($1::uuid[]) AND ${gridReach(principal, RULES.registry.read, 'g', params)}`,
      params,
    );
    return orderByKeys(
      ids,
      rows.map(this.toType),
      (r) => r.id,
      (id) => ResidentErrors.notFound(id),
    );
  }

  /** The current members of a batch of households, in one statement (the reader already sees the household). */
  async loadMembers(householdIds: readonly string[]): Promise<ResidentType[][]> {
    const rows = await this.dataSource.query<ResidentRow[]>(
      `SELECT ${RESIDENT_COLUMNS} FROM resident r WHERE r.household_id = ANY($1::uuid[]) AND r.status = 'ACTIVE' ORDER BY r.household_id, r.created_at, r.id`,
      [householdIds],
    );
    return groupByKeys(householdIds, rows.map(this.toType), (r) => r.householdId);
  }

  async loadTags(principal: Principal, residentIds: readonly string[]): Promise<(ResidentTagType[] | Error)[]> {
    if (fieldLevel(principal, FIELDS.registry.tags) === 'hidden') return residentIds.map(() => ResidentErrors.tagsForbidden());
    const rows = await this.dataSource.query<ResidentTagType[]>(
      `SELECT id, resident_id AS "residentId", tag, to_char(starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(ends_on, 'YYYY-MM-DD') AS "endsOn", note
         FROM resident_tag WHERE resident_id = ANY($1::uuid[]) ORDER BY resident_id, starts_on, id`,
      [residentIds],
    );
    return groupByKeys(residentIds, rows, (r) => r.residentId);
  }

  /**
   * ID numbers or phones of a batch of residents for one reader: masked unless the role needs them
   * and a purpose is stated; the unmasked reads of the batch are audited in one insert first.
   */
  async personalField(
    principal: Principal,
    field: 'nationalId' | 'phone',
    residents: readonly ResidentType[],
    purpose: string | undefined,
  ): Promise<(string | null)[]> {
    const why = purposeOf(purpose);
    const unmasked = why !== undefined && mayUnmask(principal, field === 'nationalId' ? FIELDS.registry.nationalId : FIELDS.registry.phone);
    const values = residents.map((r) => {
      const stored = field === 'nationalId' ? r.nationalIdCipher : r.phoneCipher;
      return stored ? this.cipher.decrypt(stored) : null;
    });
    if (!unmasked) return values.map((v) => (v === null ? null : field === 'nationalId' ? maskNationalId(v) : maskPhone(v)));
    await recordPiiReads(
      this.dataSource.manager,
      residents
        .filter((_, i) => values[i] !== null)
        .map((r) => ({
          actor: principal.userId,
          actorRoles: principal.roles,
          subjectType: 'Resident',
          subjectId: r.id,
          fields: [field],
          purpose: why,
        })),
    );
    return values;
  }

  /** One page of residents for each of a batch of grids, with filters, in one statement. */
  async loadPagesByGrid(principal: Principal, gridIds: readonly string[], args: ResidentsArgs): Promise<Connection<ResidentType>[]> {
    if (args.tag && fieldLevel(principal, FIELDS.registry.tags) === 'hidden') throw ResidentErrors.tagsForbidden();
    if (args.minAge !== undefined && args.maxAge !== undefined && args.minAge > args.maxAge) throw ResidentErrors.ageRangeInvalid();
    const today = localDay(this.clock.now());
    const filter = sql.and([
      sql`r.grid_id = g.id`,
      args.status ? sql`r.status = ${args.status}::resident_status` : undefined,
      args.minAge !== undefined ? sql`r.birth_date <= ${bornBy(today, args.minAge)}::date` : undefined,
      args.maxAge !== undefined ? sql`r.birth_date > ${bornBy(today, args.maxAge + 1)}::date` : undefined,
      args.tag
        ? sql`EXISTS (SELECT 1 FROM resident_tag t WHERE t.resident_id = r.id AND t.tag = ${args.tag}::population_tag AND t.starts_on <= ${today}::date AND (t.ends_on IS NULL OR t.ends_on >= ${today}::date))`
        : undefined,
    ]);
    const after = keysetSql(args.after, createdOrder('r'), 'ASC');
    const rows = await queryRows<Partial<ResidentRow> & { grid: string; total: number }>(
      this.dataSource,
      sql`SELECT g.id AS grid, t.total, p.*
         FROM grid_replica g
         CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM resident r WHERE ${filter}) t
         LEFT JOIN LATERAL (SELECT ${sql.raw(RESIDENT_COLUMNS)} FROM resident r WHERE ${sql.and([filter, after])} ORDER BY r.created_at, r.id LIMIT ${args.first + 1}) p ON TRUE
        WHERE g.id = ANY(${wellFormed(gridIds)}::uuid[]) AND ${sql.params((params) => gridReach(principal, RULES.registry.read, 'g', params))}
        ORDER BY g.id, p."createdAt", p.id`,
    );
    return groupByKeys(gridIds, rows, (r) => r.grid).map((group) => {
      const found = group.filter((r): r is ResidentRow & { grid: string; total: number } => r.id != null);
      return toConnection(found, args.first, group[0]?.total ?? 0, this.toType, (r) => [r.createdAt, r.id]);
    });
  }
}
