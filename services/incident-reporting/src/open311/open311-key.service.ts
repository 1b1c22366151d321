import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { assertMayUse, isWithin, pathProblem, Principal, RULES } from '@civgrid/auth';
import { badInput, notFound } from '@civgrid/errors';
import { Clock, Connection, GridReplicaService, listPage, LOGGER, returning, sql } from '@civgrid/service-kit';
import { hasControlCharacters } from '../http/validation';
import { Open311Errors } from './open311.errors';
import { IssueOpen311ApiKeyInput, Open311ApiKeysArgs, Open311ApiKeyType, Open311ReadGrantEnum } from './open311-key.type';

/** A client application as its verified key says: where it may file, what it may read. */
export interface Open311Client {
  id: string;
  clientName: string;
  areaPaths: string[];
  defaultGridId: string | null;
  readGrants: Open311ReadGrantEnum[];
}

interface KeyRow {
  id: string;
  clientName: string;
  prefix: string;
  areaPaths: string[];
  defaultGridId: string | null;
  readGrants: Open311ReadGrantEnum[];
  rateLimitPerMinute: number;
  createdAt: Date;
  createdBy: string;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  sortKey: string;
}

const COLUMNS = `id, client_name AS "clientName", key_prefix AS "prefix", area_paths::text[] AS "areaPaths", default_grid_id AS "defaultGridId",
  read_grants AS "readGrants", rate_limit_per_minute AS "rateLimitPerMinute", created_at AS "createdAt", created_by AS "createdBy",
  last_used_at AS "lastUsedAt", revoked_at AS "revokedAt", revoked_by AS "revokedBy", created_at::text AS "sortKey"`;

const toType = ({ sortKey: _, ...row }: KeyRow): Open311ApiKeyType => row;

// 32 random bytes: guessing is hopeless, so one SHA-256 (no slow hash) is all a stored key needs.
const KEY_PREFIX = 'civ311_';
const sha256 = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

const KeyErrors = {
  notFound: (id: string) => notFound('OPEN311_API_KEY_NOT_FOUND', `No Open311 API key ${id}.`),
  badArea: (path: string, why: string) => badInput('OPEN311_API_KEY_AREA_INVALID', `Area ${path} is not an area path: ${why}.`),
  defaultGrid: (id: string) =>
    badInput('OPEN311_API_KEY_DEFAULT_GRID', `The default grid ${id} must be an active grid inside the key's areas.`),
  clientName: () => badInput('OPEN311_API_KEY_CLIENT_NAME', 'clientName contains a NUL or other control character.'),
  grantsRepeated: () => badInput('OPEN311_API_KEY_GRANTS_REPEATED', 'Name each read grant once.'),
};

/**
 * Open311 API keys for client applications: issued, listed and revoked by an administrator through
 * the graph, checked on every Open311 call that carries one. The key is shown once; only its
 * SHA-256 is stored, and neither is ever logged or published.
 */
@Injectable()
export class Open311KeyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly grids: GridReplicaService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async issue(principal: Principal, input: IssueOpen311ApiKeyInput): Promise<{ apiKey: Open311ApiKeyType; key: string }> {
    assertMayUse(principal, RULES.open311Key.manage);
    if (hasControlCharacters(input.clientName)) throw KeyErrors.clientName();
    const areas = [...new Set(input.areaPaths)];
    for (const path of areas) {
      const why = pathProblem(path);
      if (why) throw KeyErrors.badArea(path, why);
    }
    if (new Set(input.readGrants).size !== input.readGrants.length) throw KeyErrors.grantsRepeated();
    if (input.defaultGridId) {
      const [grid] = await this.grids.getMany([input.defaultGridId]);
      if (!grid || grid.status !== 'ACTIVE' || !areas.some((a) => isWithin(grid.path, a))) throw KeyErrors.defaultGrid(input.defaultGridId);
    }
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const [row] = await this.dataSource.query<KeyRow[]>(
      `INSERT INTO open311_api_key (id, client_name, key_prefix, key_sha256, area_paths, default_grid_id, read_grants, rate_limit_per_minute,
         created_at, created_by)
       VALUES ($1, $2, $3, $4, $5::ltree[], $6, $7::text[], $8, $9, $10) RETURNING ${COLUMNS}`,
      [
        randomUUID(),
        input.clientName.trim(),
        key.slice(0, KEY_PREFIX.length + 6),
        sha256(key),
        areas,
        input.defaultGridId ?? null,
        input.readGrants,
        input.rateLimitPerMinute,
        this.clock.now(),
        principal.userId,
      ],
    );
    this.logger.info({ open311KeyId: row.id, clientName: row.clientName, by: principal.userId }, 'Open311 API key issued');
    return { apiKey: toType(row), key };
  }

  /** Newest first. */
  async list(principal: Principal, args: Open311ApiKeysArgs): Promise<Connection<Open311ApiKeyType>> {
    assertMayUse(principal, RULES.open311Key.manage);
    return listPage(this.dataSource, {
      columns: sql.raw(COLUMNS),
      from: sql`open311_api_key`,
      where: [args.includeRevoked ? undefined : sql`revoked_at IS NULL`],
      keys: [
        ['created_at', 'timestamp'],
        ['id', 'uuid'],
      ],
      direction: 'DESC',
      page: args,
      map: toType,
      cursorOf: (r: KeyRow) => [r.sortKey, r.id],
    });
  }

  /** Refused from the next call on. Revoking a revoked key again changes nothing. */
  async revoke(principal: Principal, id: string): Promise<Open311ApiKeyType> {
    assertMayUse(principal, RULES.open311Key.manage);
    const [row] = await this.dataSource.query<KeyRow[]>(
      `WITH revoked AS (
         UPDATE open311_api_key SET revoked_at = $2, revoked_by = $3 WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS})
       SELECT * FROM revoked UNION ALL SELECT ${COLUMNS} FROM open311_api_key WHERE id = $1 LIMIT 1`,
      [id, this.clock.now(), principal.userId],
    );
    if (!row) throw KeyErrors.notFound(id);
    this.logger.info({ open311KeyId: row.id, clientName: row.clientName, by: principal.userId }, 'Open311 API key revoked');
    return toType(row);
  }

  /**
   * The client of a key, counting this call against its rate limit (per minute, whichever instance
   * answers: the count is in the key's row). An unknown or revoked key is 403, as GeoReport v2 says.
   */
  async authenticate(key: string): Promise<Open311Client> {
    const now = this.clock.now();
    const window = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    const [row] = await returning<KeyRow & { calls: number }>(
      this.dataSource.manager,
      `UPDATE open311_api_key SET
         rate_window_count = CASE WHEN rate_window_start = $2 THEN rate_window_count + 1 ELSE 1 END,
         rate_window_start = $2, last_used_at = $3
       WHERE key_sha256 = $1 AND revoked_at IS NULL
       RETURNING ${COLUMNS}, rate_window_count AS calls`,
      [sha256(key), window, now],
    );
    if (!row) throw Open311Errors.keyInvalid();
    if (row.calls > row.rateLimitPerMinute) {
      throw Open311Errors.rateLimited(row.rateLimitPerMinute, Math.max(1, Math.ceil((window.getTime() + 60_000 - now.getTime()) / 1000)));
    }
    return {
      id: row.id,
      clientName: row.clientName,
      areaPaths: row.areaPaths,
      defaultGridId: row.defaultGridId,
      readGrants: row.readGrants,
    };
  }
}
