import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { assertInScope, assertRole, isInScope, Principal, Role, scopeCondition } from '@civgrid/auth';
import { DisputeRegisteredData, MediationEvents } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { Connection, decodeCursor, GridReplicaService, orderByKeys, toConnection } from '@civgrid/service-kit';
import { disputeNumber } from './dispute-number';
import { DisputeEntity } from './dispute.entity';
import { DisputeErrors } from './dispute.errors';
import { DisputesArgs, GridDisputesArgs, RegisterDisputeInput } from './dto/dispute.inputs';
import { DisputeKindEnum, DisputeLevelEnum, DisputeOriginEnum, DisputeStatusEnum, DisputeType } from './dto/dispute.type';

export const DISPUTE_REGISTRARS = [Role.MEDIATOR, Role.COMMUNITY_OFFICER, Role.TOWN_OFFICER, Role.DISTRICT_OFFICER, Role.ADMIN];

export const toDisputeType = (e: DisputeEntity): DisputeType => ({
  id: e.id,
  number: e.number,
  kind: e.kind as DisputeKindEnum,
  summary: e.summary,
  origin: e.origin as DisputeOriginEnum,
  originIncidentId: e.originIncidentId,
  level: e.level as DisputeLevelEnum,
  status: e.status as DisputeStatusEnum,
  registeredBy: e.registeredBy,
  registeredAt: e.registeredAt,
  gridId: e.gridId,
  gridPath: e.gridPath,
});

/** A row as read for lists: the entity plus the exact registration time (microseconds) for the cursor. */
interface DisputeRow extends DisputeEntity {
  cursorAt: string;
}

const COLUMNS = `id, number, kind, summary, origin, origin_incident_id AS "originIncidentId", level, status, grid_id AS "gridId",
  grid_path::text AS "gridPath", registered_by AS "registeredBy", registered_at AS "registeredAt",
  to_char(registered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"`;

// Newest first; the id breaks ties. A cursor is [registered_at, id] of the last row.
const ORDER = `registered_at DESC, id DESC`;
const cursorOf = (r: DisputeRow): string[] => [r.cursorAt, r.id];

// Keys from references are whatever a client sent: a malformed one must not fail the whole batch.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const uuidKey = (id: string): string => id.toLowerCase();
const isUuid = (key: string): boolean => UUID.test(key);

export const canReadDispute = (principal: Principal, dispute: Pick<DisputeType, 'gridPath'>): boolean =>
  isInScope(principal, dispute.gridPath);

/** The WHERE terms shared by every list: the principal's areas and the status filter. */
function listFilter(principal: Principal, args: GridDisputesArgs, params: unknown[]): string[] {
  const where: string[] = [];
  const scope = scopeCondition(principal, 'grid_path', params);
  if (scope) where.push(scope);
  if (args.status) {
    params.push(args.status);
    where.push(`status = $${params.length}`);
  }
  return where;
}

function afterCondition(args: GridDisputesArgs, params: unknown[]): string | undefined {
  const after = decodeCursor(args.after, 2);
  if (!after) return undefined;
  params.push(after[0], after[1]);
  return `(registered_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
}

@Injectable()
export class DisputeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly grids: GridReplicaService,
  ) {}

  async register(principal: Principal, input: RegisterDisputeInput): Promise<DisputeType> {
    assertRole(principal, DISPUTE_REGISTRARS, 'register disputes');
    if (input.origin === DisputeOriginEnum.INCIDENT && !input.originIncidentId) throw DisputeErrors.originIncidentRequired();
    if (input.origin !== DisputeOriginEnum.INCIDENT && input.originIncidentId) throw DisputeErrors.originIncidentUnexpected();
    return this.dataSource.transaction(async (manager) => {
      const grid = await this.grids.get(input.gridId, manager);
      assertInScope(principal, grid.path, 'this grid');
      if (grid.status !== 'ACTIVE') throw DisputeErrors.gridRetired(grid.id);
      const [{ seq }] = await manager.query<[{ seq: number }]>(`SELECT nextval('dispute_number_seq')::int AS seq`);
      const registeredAt = new Date();
      const dispute = manager.create(DisputeEntity, {
        id: randomUUID(),
        number: disputeNumber(seq, registeredAt),
        kind: input.kind,
        summary: input.summary,
        origin: input.origin,
        originIncidentId: input.originIncidentId ?? null,
        level: 'VILLAGE',
        status: 'REGISTERED',
        gridId: grid.id,
        gridPath: grid.path,
        registeredBy: principal.userId,
        registeredAt,
      });
      await manager.insert(DisputeEntity, dispute);
      // Ids and classifications only: the summary may name people and stays in this service.
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
      return toDisputeType(dispute);
    });
  }

  async byId(principal: Principal, id: string): Promise<DisputeType> {
    const [dispute] = (await this.loadByIds([id])) as [DisputeType | Error];
    if (dispute instanceof Error || !canReadDispute(principal, dispute)) throw DisputeErrors.notFound(id);
    return dispute;
  }

  async list(principal: Principal, args: DisputesArgs): Promise<Connection<DisputeType>> {
    const params: unknown[] = [];
    const where = listFilter(principal, args, params);
    if (args.gridId) {
      params.push(args.gridId);
      where.push(`grid_id = $${params.length}::uuid`);
    }
    const countParams = [...params];
    const filter = where.length > 0 ? where.join(' AND ') : 'TRUE';
    const after = afterCondition(args, params);
    const page = after ? [...where, after] : where;
    params.push(args.first + 1);
    const [rows, count] = await Promise.all([
      this.dataSource.query<DisputeRow[]>(
        `SELECT ${COLUMNS} FROM dispute WHERE ${page.length > 0 ? page.join(' AND ') : 'TRUE'} ORDER BY ${ORDER} LIMIT $${params.length}`,
        params,
      ),
      this.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM dispute WHERE ${filter}`, countParams),
    ]);
    return toConnection(rows, args.first, count[0]?.n ?? 0, toDisputeType, cursorOf);
  }

  /** One statement for a whole batch of references. */
  async loadByIds(ids: readonly string[]): Promise<(DisputeType | Error)[]> {
    const keys = ids.map(uuidKey);
    const rows: DisputeRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM dispute WHERE id = ANY($1::uuid[])`, [
      keys.filter(isUuid),
    ]);
    return orderByKeys(
      keys,
      rows.map(toDisputeType),
      (d) => d.id,
      (id) => DisputeErrors.notFound(id),
    );
  }

  /**
   * `Grid.disputes` for a batch of grids in one statement: per grid, its total and its page
   * (a LATERAL subquery each, so every grid gets its own LIMIT and its count even past the last page).
   */
  async loadByGrids(principal: Principal, gridIds: readonly string[], args: GridDisputesArgs): Promise<Connection<DisputeType>[]> {
    const keys = gridIds.map(uuidKey);
    const params: unknown[] = [keys.filter(isUuid)];
    const where = ['grid_id = g.id', ...listFilter(principal, args, params)];
    const after = afterCondition(args, params);
    params.push(args.first + 1);
    const rows = await this.dataSource.query<(DisputeRow & { gridKey: string; total: number })[]>(
      `SELECT g.id AS "gridKey", c.total, d.*
       FROM unnest($1::uuid[]) AS g (id)
       CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM dispute WHERE ${where.join(' AND ')}) c
       LEFT JOIN LATERAL (
         SELECT ${COLUMNS} FROM dispute WHERE ${[...where, ...(after ? [after] : [])].join(' AND ')} ORDER BY ${ORDER} LIMIT $${params.length}
       ) d ON TRUE
       ORDER BY g.id, d."registeredAt" DESC, d.id DESC`,
      params,
    );
    const byGrid = new Map<string, { total: number; rows: DisputeRow[] }>();
    for (const row of rows) {
      const entry = byGrid.get(row.gridKey) ?? { total: row.total, rows: [] };
      if (row.id) entry.rows.push(row);
      byGrid.set(row.gridKey, entry);
    }
    return keys.map((id) => {
      const entry = byGrid.get(id) ?? { total: 0, rows: [] };
      return toConnection(entry.rows, args.first, entry.total, toDisputeType, cursorOf);
    });
  }
}
