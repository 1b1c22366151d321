import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessRule, canReach, hasRole, isUuid as isUuidKey, Principal, reachCondition, Role, ROLE_SETS, RULES } from '@civgrid/auth';
import {
  DisputeLevel,
  DisputeRegisteredData,
  IncidentEscalatedData,
  MediationEvents,
  ReactionEvents,
  EventPayloads,
} from '@civgrid/contracts';
import { CloudEvent, Outbox } from '@civgrid/events';
import {
  Clock,
  Connection,
  EventHandlers,
  GridReplicaService,
  groupByKeys,
  keysetSql,
  listPage,
  orderByKeys,
  queryRows,
  RegistryReplicaService,
  Sql,
  sql,
} from '@civgrid/service-kit';
import { keyedConnections, KeyedRow } from '../common/keyed-pages';
import { disputeNumber } from './dispute-number';
import { areaAtLevel } from './dispute-workflow';
import { DisputeErrors } from './dispute.errors';
import { IncidentReplica } from './incident-replica';
import {
  DISPUTE_COLUMNS,
  DisputeRow,
  FollowUpRow,
  PartyRow,
  StepRow,
  toDisputeType,
  toFollowUpType,
  toPartyType,
  toStepType,
} from './dispute.rows';
import { DisputePartyInput, DisputesArgs, GridDisputesArgs, RegisterDisputeInput } from './dto/dispute.inputs';
import { DisputeOriginEnum, DisputePartyType, DisputeStepType, DisputeType, FollowUpType, PartyKindEnum } from './dto/dispute.type';

// Newest first; the id breaks ties. A cursor is [registered_at, id] of the last row.
const cursorOf = (r: DisputeRow): string[] => [r.cursorAt, r.id];

// Keys from references are whatever a client sent: a malformed one must not fail the whole batch.
export const uuidKey = (id: string): string => id.toLowerCase();
export const isUuid = (key: string): boolean => isUuidKey(key);

/**
 * The disputes a rule reaches, over `dispute` (or the alias given with its dot, `d.`): by grid and
 * area, and for a department officer those with a session their department takes part in.
 */
export const disputeCondition = (
  principal: Principal,
  params: unknown[],
  alias = 'dispute.',
  rule: AccessRule = RULES.dispute.read,
): string =>
  reachCondition(
    principal,
    rule,
    {
      path: `${alias}grid_path`,
      gridId: `${alias}grid_id`,
      department: (dept) =>
        `EXISTS (SELECT 1 FROM mediation_session xs JOIN mediation_session_department xd ON xd.session_id = xs.id WHERE xs.dispute_id = ${alias}id AND xd.department_id = ${dept})`,
    },
    params,
  );

/** The WHERE terms shared by every list: what the principal reaches, and the filters. */
function listFilter(principal: Principal, args: GridDisputesArgs, alias = 'dispute.'): Sql[] {
  const column = (name: string) => sql.raw(`${alias}${name}`);
  const where = [sql.params((params) => disputeCondition(principal, params, alias))];
  if (args.status) where.push(sql`${column('status')} = ${args.status}`);
  // Written as the partial indexes are, so the planner can use them.
  if (args.open === true) where.push(sql`${column('status')} NOT IN ('CLOSED', 'WITHDRAWN')`);
  if (args.open === false) where.push(sql`${column('status')} IN ('CLOSED', 'WITHDRAWN')`);
  if (args.level) where.push(sql`${column('level')} = ${args.level}::dispute_level`);
  if (args.kind) where.push(sql`${column('kind')} = ${args.kind}::dispute_kind`);
  return where;
}

/** Newest first: the order of every dispute list, and its cursor. */
const disputeOrder = (alias = '') =>
  [
    [`${alias}registered_at`, 'timestamp'],
    [`${alias}id`, 'uuid'],
  ] as const;

/** Incidents escalate GRID → VILLAGE → TOWN → DISTRICT; mediation starts at the village at the lowest. */
const levelOfEscalation = (level: IncidentEscalatedData['toLevel']): DisputeLevel => (level === 'GRID' ? 'VILLAGE' : level);

function checkParties(parties: readonly DisputePartyInput[]): void {
  parties.forEach((p, i) => {
    const resident = p.kind === PartyKindEnum.RESIDENT;
    if (resident ? !p.residentId || p.name !== undefined : p.residentId !== undefined || !p.name?.trim())
      throw DisputeErrors.partyIdentity(i);
  });
}

interface NewDispute {
  kind: DisputeType['kind'] | string;
  summary: string;
  origin: DisputeOriginEnum | string;
  originIncidentId: string | null;
  referredBy: string | null;
  level: DisputeLevel;
  gridId: string;
  gridPath: string;
  registeredBy: string;
  parties: { role: string; kind: string; residentId: string | null; name: string | null }[];
}

@Injectable()
export class DisputeService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox<EventPayloads>,
    private readonly grids: GridReplicaService,
    private readonly clock: Clock,
    private readonly handlers: EventHandlers,
    private readonly incidents: IncidentReplica,
    private readonly registry: RegistryReplicaService,
  ) {}

  onModuleInit(): void {
    this.handlers.on(ReactionEvents.incidentEscalated, (event, manager) => this.onIncidentEscalated(event, manager));
  }

  async register(principal: Principal, input: RegisterDisputeInput): Promise<DisputeType> {
    if (input.origin === DisputeOriginEnum.INCIDENT && !input.originIncidentId) throw DisputeErrors.originIncidentRequired();
    if (input.origin !== DisputeOriginEnum.INCIDENT && input.originIncidentId) throw DisputeErrors.originIncidentUnexpected();
    if (input.origin !== DisputeOriginEnum.REFERRAL && input.referredBy) throw DisputeErrors.referredByUnexpected();
    if (input.origin === DisputeOriginEnum.REFERRAL && !input.referredBy) throw DisputeErrors.referredByRequired();
    const level: DisputeLevel = input.level ?? 'VILLAGE';
    const parties = input.parties ?? [];
    checkParties(parties);
    return this.dataSource.transaction(async (manager) => {
      const grid = await this.grids.inReach(input.gridId, principal, RULES.dispute.register, manager);
      if (grid.status !== 'ACTIVE') throw DisputeErrors.gridRetired(grid.id);
      await this.assertMayRegisterAt(manager, principal, grid.path, level, input.level !== undefined);
      if (input.originIncidentId) {
        // Never on trust: the incident must exist (as incident reporting announced it) and be one the registrar may read.
        const incident = await this.incidents.get(manager, input.originIncidentId);
        if (!incident || !canReach(principal, RULES.incident.read, { path: incident.gridPath, gridId: incident.gridId })) {
          throw DisputeErrors.originIncidentNotFound(input.originIncidentId);
        }
        const [taken] = await manager.query<unknown[]>(`SELECT 1 FROM dispute WHERE origin_incident_id = $1`, [input.originIncidentId]);
        if (taken) throw DisputeErrors.incidentAlreadyHasDispute(input.originIncidentId);
      }
      const residents = parties.flatMap((p) => (p.residentId ? [p.residentId] : []));
      const [stranger] = await this.registry.residentsOutOfReach(principal, RULES.registry.read, [...new Set(residents)], manager);
      if (stranger) throw DisputeErrors.residentNotFound(stranger);
      const dispute = await this.insert(manager, {
        kind: input.kind,
        summary: input.summary,
        origin: input.origin,
        originIncidentId: input.originIncidentId ?? null,
        referredBy: input.referredBy ?? null,
        level,
        gridId: grid.id,
        gridPath: grid.path,
        registeredBy: principal.userId,
        parties: parties.map((p) => ({ role: p.role, kind: p.kind, residentId: p.residentId ?? null, name: p.name?.trim() ?? null })),
      });
      if (!dispute) throw DisputeErrors.incidentAlreadyHasDispute(input.originIncidentId ?? '');
      return toDisputeType(dispute);
    });
  }

  /**
   * Who may register at a level: an officer (or admin) whose areas reach the level's area when the
   * level is asked for; otherwise a mediator of an active committee whose area covers it (a village
   * mediator registers for their village, a town mediator for the town or a village in it). A level
   * asked for must have a committee to take the dispute on.
   */
  private async assertMayRegisterAt(
    manager: EntityManager,
    principal: Principal,
    gridPath: string,
    level: DisputeLevel,
    asked: boolean,
  ): Promise<void> {
    const area = areaAtLevel(gridPath, level);
    const asOfficer = hasRole(principal, ...ROLE_SETS.OFFICERS) && (!asked || canReach(principal, RULES.dispute.register, { path: area }));
    if (!asOfficer) {
      if (!hasRole(principal, Role.MEDIATOR)) throw DisputeErrors.levelOutOfScope(level, area);
      const [member] = await manager.query<unknown[]>(
        `SELECT 1 FROM mediator m JOIN mediation_committee c ON c.id = m.committee_id
         WHERE m.user_id = $1 AND m.active AND c.area_path @> $2::ltree LIMIT 1`,
        [principal.userId, area],
      );
      if (!member) throw DisputeErrors.notOnCommitteeHere(level, area);
    }
    if (!asked) return;
    const [committee] = await manager.query<unknown[]>(
      `SELECT 1 FROM mediation_committee WHERE level = $1::dispute_level AND area_path = $2::ltree`,
      [level, area],
    );
    if (!committee) throw DisputeErrors.noCommitteeAtLevel(level, area);
  }

  /**
   * incident reporting escalated an incident as a dispute: register it, linked, once. The inbox
   * makes each event count once; the unique incident link makes a second escalation of the same
   * incident (another event id) a no-op too.
   */
  private async onIncidentEscalated(event: CloudEvent<IncidentEscalatedData>, manager: EntityManager): Promise<void> {
    const data = event.data;
    if (!data.asDispute) return;
    const [existing] = await manager.query<unknown[]>(`SELECT 1 FROM dispute WHERE origin_incident_id = $1`, [data.incidentId]);
    if (existing) return;
    await this.insert(manager, {
      kind: data.disputeKind ?? 'OTHER',
      // The incident's own text stays in incident reporting; the number lets a mediator find it.
      summary: `Escalated from incident ${data.number}.`,
      origin: 'INCIDENT',
      originIncidentId: data.incidentId,
      referredBy: null,
      level: levelOfEscalation(data.toLevel),
      gridId: data.gridId,
      gridPath: data.gridPath,
      registeredBy: 'incident-reporting',
      parties: [...new Set(data.residentIds)].map((residentId) => ({ role: 'INVOLVED', kind: 'RESIDENT', residentId, name: null })),
    });
  }

  /** Inserts a dispute, its parties, the first timeline entry and the event; null if the incident already has one. */
  private async insert(manager: EntityManager, d: NewDispute): Promise<DisputeRow | null> {
    const registeredAt = this.clock.now();
    const [{ seq }] = await manager.query<[{ seq: number }]>(`SELECT nextval('dispute_number_seq')::int AS seq`);
    const rows = await manager.query<DisputeRow[]>(
      `INSERT INTO dispute (id, number, kind, summary, origin, origin_incident_id, referred_by, level, status, grid_id, grid_path, registered_by, registered_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'REGISTERED', $9, $10::ltree, $11, $12, $12)
       ON CONFLICT (origin_incident_id) WHERE origin_incident_id IS NOT NULL DO NOTHING
       RETURNING ${DISPUTE_COLUMNS}`,
      [
        randomUUID(),
        disputeNumber(seq, registeredAt),
        d.kind,
        d.summary,
        d.origin,
        d.originIncidentId,
        d.referredBy,
        d.level,
        d.gridId,
        d.gridPath,
        d.registeredBy,
        registeredAt,
      ],
    );
    const dispute = rows[0];
    if (!dispute) return null;
    if (d.parties.length > 0) {
      await manager.query(
        `INSERT INTO dispute_party (id, dispute_id, position, role, kind, resident_id, name)
         SELECT gen_random_uuid(), $1, p.position, p.role, p.kind, p.resident_id, p.name
         FROM unnest($2::text[], $3::text[], $4::uuid[], $5::text[]) WITH ORDINALITY AS p (role, kind, resident_id, name, position)`,
        [
          dispute.id,
          d.parties.map((p) => p.role),
          d.parties.map((p) => p.kind),
          d.parties.map((p) => p.residentId),
          d.parties.map((p) => p.name),
        ],
      );
    }
    await manager.query(
      `INSERT INTO dispute_timeline (dispute_id, at, actor, action, from_status, to_status, from_level, to_level, note)
       VALUES ($1, $2, $3, 'REGISTER', NULL, 'REGISTERED', NULL, $4, NULL)`,
      [dispute.id, registeredAt, d.registeredBy, d.level],
    );
    // Ids and classifications only: the summary and the parties may name people and stay here.
    const data: DisputeRegisteredData = {
      disputeId: dispute.id,
      number: dispute.number,
      gridId: dispute.gridId,
      gridPath: dispute.gridPath,
      kind: dispute.kind,
      origin: dispute.origin,
      originIncidentId: dispute.originIncidentId,
      level: dispute.level,
    };
    await this.outbox.add(manager, { type: MediationEvents.disputeRegistered, aggregateType: 'Dispute', aggregateId: dispute.id, data });
    return dispute;
  }

  async byId(principal: Principal, id: string): Promise<DisputeType> {
    const [dispute] = (await this.loadByIds(principal, [id])) as [DisputeType | Error];
    if (dispute instanceof Error) throw dispute;
    return dispute;
  }

  async list(principal: Principal, args: DisputesArgs): Promise<Connection<DisputeType>> {
    return listPage(this.dataSource, {
      columns: sql.raw(DISPUTE_COLUMNS),
      from: sql`dispute`,
      where: [
        ...listFilter(principal, args),
        args.gridId ? sql`grid_id = ${args.gridId}::uuid` : undefined,
        args.underPath ? sql`grid_path <@ ${args.underPath}::ltree` : undefined,
      ],
      keys: disputeOrder(),
      direction: 'DESC',
      page: args,
      map: toDisputeType,
      cursorOf,
    });
  }

  /** One statement for a whole batch of references; a dispute out of the reader's reach is not found. */
  async loadByIds(principal: Principal, ids: readonly string[]): Promise<(DisputeType | Error)[]> {
    const keys = ids.map(uuidKey);
    const params: unknown[] = [keys.filter(isUuid)];
    const rows: DisputeRow[] = await this.dataSource.query(
      `SELECT ${DISPUTE_COLUMNS} FROM dispute WHERE id = ANY($1::uuid[]) AND ${disputeCondition(principal, params)}`,
      params,
    );
    return orderByKeys(
      keys,
      rows.map(toDisputeType),
      (d) => d.id,
      (id) => DisputeErrors.notFound(id),
    );
  }

  /** `Incident.dispute` for a batch of incidents: one statement; null where none or out of scope. */
  async loadByIncidents(principal: Principal, incidentIds: readonly string[]): Promise<(DisputeType | null)[]> {
    const keys = incidentIds.map(uuidKey);
    const params: unknown[] = [keys.filter(isUuid)];
    const scope = disputeCondition(principal, params);
    const rows = await this.dataSource.query<DisputeRow[]>(
      `SELECT ${DISPUTE_COLUMNS} FROM dispute WHERE origin_incident_id = ANY($1::uuid[]) AND ${scope}`,
      params,
    );
    const byIncident = new Map(rows.map((r) => [r.originIncidentId, toDisputeType(r)]));
    return keys.map((k) => byIncident.get(k) ?? null);
  }

  /**
   * A connection per key in one statement: per key, its total and its page (a LATERAL subquery each,
   * so every key gets its own LIMIT and its count even past the last page). `match` ties `d` to `k.id`.
   */
  private async pagesByKeys(
    principal: Principal,
    ids: readonly string[],
    args: GridDisputesArgs,
    match: string,
  ): Promise<Connection<DisputeType>[]> {
    const keys = ids.map(uuidKey);
    const where = sql.and([sql.raw(match), ...listFilter(principal, args, 'd.')]);
    const after = keysetSql(args.after, disputeOrder('d.'), 'DESC');
    const rows = await queryRows<KeyedRow<DisputeRow>>(
      this.dataSource,
      sql`SELECT k.id AS "key", c.total, p.*
       FROM unnest(${keys.filter(isUuid)}::uuid[]) AS k (id)
       CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM dispute d WHERE ${where}) c
       LEFT JOIN LATERAL (
         SELECT ${sql.raw(DISPUTE_COLUMNS)} FROM dispute d WHERE ${sql.and([where, after])}
         ORDER BY d.registered_at DESC, d.id DESC LIMIT ${args.first + 1}
       ) p ON TRUE
       ORDER BY k.id, p."registeredAt" DESC, p.id DESC`,
    );
    return keyedConnections(keys, rows, args.first, toDisputeType, cursorOf);
  }

  /** `Grid.disputes` for a batch of grids in one statement. */
  loadByGrids(principal: Principal, gridIds: readonly string[], args: GridDisputesArgs): Promise<Connection<DisputeType>[]> {
    return this.pagesByKeys(principal, gridIds, args, 'd.grid_id = k.id');
  }

  /** `Resident.disputes`: the disputes a resident is a party to, for a batch of residents in one statement. */
  loadByResidents(principal: Principal, residentIds: readonly string[], args: GridDisputesArgs): Promise<Connection<DisputeType>[]> {
    return this.pagesByKeys(
      principal,
      residentIds,
      args,
      'EXISTS (SELECT 1 FROM dispute_party dp WHERE dp.dispute_id = d.id AND dp.resident_id = k.id)',
    );
  }

  async loadParties(disputeIds: readonly string[]): Promise<DisputePartyType[][]> {
    const rows = await this.dataSource.query<PartyRow[]>(
      `SELECT id, dispute_id AS "disputeId", role, kind, resident_id AS "residentId", name
       FROM dispute_party WHERE dispute_id = ANY($1::uuid[]) ORDER BY dispute_id, position`,
      [[...disputeIds]],
    );
    return groupByKeys(disputeIds, rows.map(toPartyType), (p) => p.disputeId);
  }

  async loadTimelines(disputeIds: readonly string[]): Promise<DisputeStepType[][]> {
    const rows = await this.dataSource.query<StepRow[]>(
      `SELECT dispute_id AS "disputeId", at, actor, action, from_status AS "fromStatus", to_status AS "toStatus",
         from_level AS "fromLevel", to_level AS "toLevel", note
       FROM dispute_timeline WHERE dispute_id = ANY($1::uuid[]) ORDER BY dispute_id, id`,
      [[...disputeIds]],
    );
    return groupByKeys(disputeIds, rows.map(toStepType), (s) => s.disputeId);
  }

  async loadFollowUps(disputeIds: readonly string[]): Promise<FollowUpType[][]> {
    const rows = await this.dataSource.query<FollowUpRow[]>(
      `SELECT id, dispute_id AS "disputeId", visited_on::text AS "visitedOn", finding, note, recorded_by AS "recordedBy"
       FROM dispute_follow_up WHERE dispute_id = ANY($1::uuid[]) ORDER BY dispute_id, visited_on, recorded_at`,
      [[...disputeIds]],
    );
    return groupByKeys(disputeIds, rows.map(toFollowUpType), (f) => f.disputeId);
  }
}
