import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, EntityManager } from 'typeorm';
import { assertCanAskAbout, assertMayUse, FIELDS, mayUnmask, Principal, RULES } from '@civgrid/auth';
import { ImportCompletedData, PopulationEvents, EventPayloads, EventType } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { maskNationalId, maskPhone, PiiCipher, recordPiiReads } from '@civgrid/pii';
import { Clock, CONFIG, GridReplicaService } from '@civgrid/service-kit';
import { PopulationRegistryConfig } from '../config/config';
import { gridReach, purposeOf } from '../registry/access';
import { raiseGridCounts } from '../registry/grid-counts';
import { GridErrors } from '../registry/grid-errors';
import { isRejection, LEDGER_COLUMNS, LedgerFormatError, ledgerRecords, LedgerRow, LedgerRowReader, Rejection } from './ledger-rows';
import { LedgerErrors } from './ledger.errors';
import { LedgerImportReportType } from './dto/ledger.type';

// Ledger lines whose events one outbox statement writes (and reads back for the schema check).
const EVENT_RANGE = 50_000;
// The PII audit takes several parameters per row.
const AUDIT_CHUNK = 5_000;
// Staged rows are sent to COPY in pieces of about this many characters.
const COPY_PIECE = 256 * 1024;

const HEAD = '户主';

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

const csvField = (v: string | null): string => (v === null ? '' : /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

// COPY's text format: tab-separated, \N for null, backslash escapes, bytea as \x… (its backslash escaped).
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const copyText = (v: string | null): string => (v === null ? '\\N' : v.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]));
const copyBytes = (v: Buffer | null): string => (v === null ? '\\N' : `\\\\x${v.toString('hex')}`);

/** Microseconds after `$2` (the import's instant) by rank: the grid's lists keep the ledger's order. */
const stamped = (orderBy: string) =>
  `$2::timestamptz + make_interval(secs => (row_number() OVER (ORDER BY ${orderBy}))::double precision / 1e6)`;

@Injectable()
export class LedgerService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox<EventPayloads>,
    private readonly clock: Clock,
    private readonly cipher: PiiCipher,
    private readonly grids: GridReplicaService,
    @Inject(CONFIG) private readonly config: PopulationRegistryConfig,
  ) {}

  get maxBytes(): number {
    return this.config.LEDGER_MAX_BYTES;
  }

  /** A small ledger given whole (the GraphQL mutation): the same path as a streamed one. */
  import(principal: Principal, gridId: string, csv: string): Promise<LedgerImportReportType> {
    return this.importStream(principal, gridId, Readable.from([csv]));
  }

  /**
   * A village ledger of any size, in one transaction: nothing of it is visible until every row is
   * in, and a failure (a broken file, a dropped upload) leaves nothing behind. Rows stream through
   * the per-row checks into a staging table by COPY; the rules across rows and against the
   * registry, the dwellings, households, residents, memberships and their events are then a fixed
   * handful of set-based statements, whatever the number of rows. The source is not read before
   * the caller's right to write in the grid is checked.
   */
  async importStream(principal: Principal, gridId: string, source: Readable): Promise<LedgerImportReportType> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const grid = await this.grids.inReach(gridId, principal, RULES.registry.write, manager);
      if (grid.status !== 'ACTIVE') throw GridErrors.notActive(grid.id);
      // One import per grid at a time: two would race for the same household numbers.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('ledger-import:' || $1, 0))`, [grid.id]);
      const importId = randomUUID();
      const rejected = await this.stage(manager, source, now);
      rejected.push(...(await this.crossCheck(manager, grid.id)));
      rejected.sort((a, b) => a.line - b.line);

      const created = await this.load(manager, grid.id, now, importId);
      await this.announce(manager, grid.id);
      const completed: ImportCompletedData = { importId, gridId: grid.id, accepted: created.accepted, rejected: rejected.length };
      await this.outbox.add(manager, {
        type: PopulationEvents.importCompleted,
        aggregateType: 'Grid',
        aggregateId: grid.id,
        data: completed,
      });
      if (created.accepted > 0) await raiseGridCounts(manager, this.outbox, [grid.id], now);
      return { importId, ...created, rejected };
    });
  }

  /** Streams the file through the per-row checks into `ledger_stage` with COPY; returns the refused rows. */
  private async stage(manager: EntityManager, source: Readable, now: Date): Promise<Rejection[]> {
    await manager.query(`
      CREATE TEMP TABLE ledger_stage (
        line int NOT NULL, resident_id uuid NOT NULL, household_number text NOT NULL, registration_type text NOT NULL,
        address text NOT NULL, house_number text, building text, road text, name text NOT NULL, relation text NOT NULL,
        id_cipher bytea NOT NULL, id_hash bytea NOT NULL, birth_date date NOT NULL, sex text NOT NULL,
        phone_cipher bytea, phone_hash bytea, reason text
      ) ON COMMIT DROP`);
    const client = (await manager.queryRunner!.connect()) as PoolClient;
    const copy: Writable = client.query(
      copyFrom(
        `COPY ledger_stage (line, resident_id, household_number, registration_type, address, house_number, building, road, name, relation,
                            id_cipher, id_hash, birth_date, sex, phone_cipher, phone_hash) FROM STDIN`,
      ),
    );
    const copied = finished(copy);
    // Keep the rejection handled while rows are still being read; it is awaited below.
    copied.catch(() => undefined);
    const reader = new LedgerRowReader(now);
    const rejected: Rejection[] = [];
    let piece: string[] = [];
    let size = 0;
    const flush = async () => {
      if (piece.length === 0) return;
      const text = piece.join('');
      piece = [];
      size = 0;
      if (!copy.write(text)) await Promise.race([once(copy, 'drain'), copied]);
    };
    try {
      for await (const { record, line } of ledgerRecords(source)) {
        if (!reader.hasHeader) {
          reader.header(record);
          continue;
        }
        const row = reader.row(record, line);
        if (isRejection(row)) {
          rejected.push(row);
          continue;
        }
        const text = this.stageLine(row);
        piece.push(text);
        size += text.length;
        if (size >= COPY_PIECE) await flush();
      }
      if (!reader.hasHeader) throw new LedgerFormatError('CSV_EMPTY', 'The file has no header row.');
      await flush();
      copy.end();
      await copied;
    } catch (error) {
      // CopyFail: the server drops what was sent; the transaction then rolls back.
      copy.destroy();
      await copied.catch(() => undefined);
      if (error instanceof LedgerFormatError) throw LedgerErrors.format(error.reason, error.message);
      throw error;
    }
    // Temporary tables are never analysed on their own: without statistics the joins below plan badly.
    // The events are written a range of lines at a time: each range an index scan, not a pass over all.
    await manager.query(`CREATE INDEX ON ledger_stage (line)`);
    await manager.query(`ANALYZE ledger_stage`);
    return rejected;
  }

  private stageLine(row: LedgerRow): string {
    return (
      [
        String(row.line),
        randomUUID(),
        copyText(row.householdNumber),
        row.registrationType,
        copyText(row.address),
        copyText(row.houseNumber),
        copyText(row.building),
        copyText(row.road),
        copyText(row.name),
        copyText(row.relation),
        copyBytes(this.cipher.encrypt(row.nationalId)),
        copyBytes(this.cipher.hash(row.nationalId)),
        row.birthDate,
        row.sex,
        copyBytes(row.phone === null ? null : this.cipher.encrypt(row.phone)),
        copyBytes(row.phone === null ? null : this.cipher.hash(row.phone)),
      ].join('\t') + '\n'
    );
  }

  /**
   * The rules across rows and against the registry, over every staged row at once; a refused row
   * gets its reason (never its values). In file order: the same person twice keeps the first line;
   * a household's first line fixes its address and registration type; then people already
   * registered, households of another grid, and one head (户主) per household.
   */
  private async crossCheck(manager: EntityManager, gridId: string): Promise<Rejection[]> {
    const [first] = await manager.query<[Rejection[], number]>(
      `WITH person AS (
         SELECT line, first_value(line) OVER (PARTITION BY id_hash ORDER BY line) AS same_as FROM ledger_stage
       ), household_first AS (
         SELECT s.line, first_value(s.line) OVER w AS first_line, first_value(s.address) OVER w AS address,
                first_value(s.registration_type) OVER w AS registration_type
           FROM ledger_stage s JOIN person p ON p.line = s.line AND p.same_as = s.line
         WINDOW w AS (PARTITION BY s.household_number ORDER BY s.line)
       ), verdict AS (
         SELECT s.line, CASE
             WHEN p.same_as <> s.line THEN 'national_id: the same person as on line ' || p.same_as
             WHEN f.address <> s.address OR f.registration_type <> s.registration_type
               THEN 'household_number: line ' || f.first_line || ' gives this household another address or registration type'
             WHEN EXISTS (SELECT 1 FROM resident r WHERE r.national_id_hash = s.id_hash) THEN 'national_id: this person is already registered'
             WHEN EXISTS (SELECT 1 FROM household h WHERE h.number = s.household_number AND h.grid_id <> $1)
               THEN 'household_number: registered in another grid'
           END AS reason
           FROM ledger_stage s JOIN person p ON p.line = s.line LEFT JOIN household_first f ON f.line = s.line
       )
       UPDATE ledger_stage s SET reason = v.reason FROM verdict v WHERE v.line = s.line AND v.reason IS NOT NULL
       RETURNING s.line, s.reason`,
      [gridId],
    );
    const [heads] = await manager.query<[Rejection[], number]>(
      `WITH head AS (
         SELECT s.line, s.household_number, first_value(s.line) OVER (PARTITION BY s.household_number ORDER BY s.line) AS first_line
           FROM ledger_stage s WHERE s.reason IS NULL AND s.relation = $1
       )
       UPDATE ledger_stage s
          SET reason = CASE WHEN x.id IS NOT NULL THEN 'relation: the household already has a head (户主)'
                            ELSE 'relation: line ' || h.first_line || ' is already the head (户主) of this household' END
         FROM head h LEFT JOIN household x ON x.number = h.household_number AND x.head_resident_id IS NOT NULL
        WHERE s.line = h.line AND (x.id IS NOT NULL OR h.first_line <> h.line)
       RETURNING s.line, s.reason`,
      [HEAD],
    );
    return [...first, ...heads];
  }

  /** Dwellings, households, residents, memberships and heads from the accepted rows: set-based, one statement each. */
  private async load(
    manager: EntityManager,
    gridId: string,
    now: Date,
    importId: string,
  ): Promise<{ accepted: number; householdsCreated: number; dwellingsCreated: number }> {
    // Households new to the registry, each from its first accepted line; an address already known in the grid is its dwelling.
    await manager.query(
      `CREATE TEMP TABLE ledger_household ON COMMIT DROP AS
       SELECT gen_random_uuid() AS id, f.*,
              (SELECT d.id FROM dwelling d WHERE d.grid_id = $1 AND d.address_text = f.address ORDER BY d.created_at, d.id LIMIT 1) AS dwelling_id
         FROM (SELECT DISTINCT ON (s.household_number) s.household_number AS number, s.line AS first_line, s.registration_type,
                      s.address, s.road, s.building, s.house_number
                 FROM ledger_stage s
                WHERE s.reason IS NULL AND NOT EXISTS (SELECT 1 FROM household h WHERE h.number = s.household_number)
                ORDER BY s.household_number, s.line) f`,
      [gridId],
    );
    // Addresses new to the grid become dwellings, stamped in ledger order (the order their events go out in).
    await manager.query(`CREATE INDEX ON ledger_household (first_line)`);
    await manager.query(
      `CREATE TEMP TABLE ledger_dwelling (id uuid NOT NULL, kind text NOT NULL, created_at timestamptz NOT NULL, ord bigint NOT NULL) ON COMMIT DROP`,
    );
    await manager.query(
      `WITH made AS (
         INSERT INTO dwelling (id, grid_id, kind, occupancy, road, building, house_number, address_text, created_at)
         SELECT gen_random_uuid(), $1, CASE WHEN a.building IS NULL AND a.house_number IS NOT NULL THEN 'RURAL_HOUSE' ELSE 'APARTMENT' END::dwelling_kind,
                'OWNER_OCCUPIED', a.road, a.building, a.house_number, a.address, ${stamped('a.first_line')}
           FROM (SELECT DISTINCT ON (address) address, road, building, house_number, first_line
                   FROM ledger_household WHERE dwelling_id IS NULL ORDER BY address, first_line) a
         RETURNING id, kind, address_text, created_at
       ), linked AS (
         UPDATE ledger_household h SET dwelling_id = m.id FROM made m WHERE h.dwelling_id IS NULL AND h.address = m.address_text
       )
       INSERT INTO ledger_dwelling (id, kind, created_at, ord) SELECT id, kind, created_at, row_number() OVER (ORDER BY created_at) FROM made`,
      [gridId, now],
    );
    await manager.query(`CREATE INDEX ON ledger_dwelling (ord)`);
    await manager.query(`ANALYZE ledger_household, ledger_dwelling`);
    await manager.query(
      `INSERT INTO household (id, number, dwelling_id, grid_id, registration_type, created_at)
       SELECT id, number, dwelling_id, $1, registration_type::registration_type, ${stamped('first_line')} FROM ledger_household`,
      [gridId, now],
    );
    await manager.query(
      `INSERT INTO resident (id, household_id, grid_id, name, relation, national_id_cipher, national_id_hash, birth_date, sex, phone_cipher, phone_hash, created_at)
       SELECT s.resident_id, h.id, $1, s.name, s.relation, s.id_cipher, s.id_hash, s.birth_date, s.sex::resident_sex, s.phone_cipher, s.phone_hash,
              ${stamped('s.line')}
         FROM ledger_stage s JOIN household h ON h.number = s.household_number
        WHERE s.reason IS NULL`,
      [gridId, now],
    );
    await manager.query(
      `INSERT INTO household_membership (household_id, resident_id, relation, joined_at, joined_reason)
       SELECT h.id, s.resident_id, s.relation, $1, 'ledger import ' || $2
         FROM ledger_stage s JOIN household h ON h.number = s.household_number
        WHERE s.reason IS NULL ORDER BY s.line`,
      [now, importId],
    );
    await manager.query(
      `UPDATE household h SET head_resident_id = s.resident_id FROM ledger_stage s
        WHERE s.reason IS NULL AND s.relation = $1 AND h.number = s.household_number`,
      [HEAD],
    );
    const [counts] = await manager.query<{ accepted: number; householdsCreated: number; dwellingsCreated: number }[]>(
      `SELECT (SELECT count(*)::int FROM ledger_stage WHERE reason IS NULL) AS accepted,
              (SELECT count(*)::int FROM ledger_household) AS "householdsCreated",
              (SELECT count(*)::int FROM ledger_dwelling) AS "dwellingsCreated"`,
    );
    return counts;
  }

  /**
   * Every new dwelling and household and every resident of the import, as the one-by-one paths
   * announce them (ids only), written in this transaction by the database itself (outbox
   * addSelected: the envelope built in SQL, each event's data checked against its schema), a
   * range of ledger lines at a time so that what is read back for the check stays small.
   */
  private async announce(manager: EntityManager, gridId: string): Promise<void> {
    const [{ lines, dwellings }] = await manager.query<{ lines: number; dwellings: number }[]>(
      `SELECT coalesce((SELECT max(line) FROM ledger_stage), 0)::int AS lines, (SELECT count(*)::int FROM ledger_dwelling) AS dwellings`,
    );
    const time = this.clock.now();
    const ranges = (upTo: number) =>
      Array.from({ length: Math.ceil(upTo / EVENT_RANGE) }, (_, i) => [i * EVENT_RANGE, (i + 1) * EVENT_RANGE]);
    const add = (type: EventType, aggregateType: string, select: string, from: number, to: number) =>
      this.outbox.addSelected(manager, { type, aggregateType, select, params: [gridId, from, to], time });
    for (const [from, to] of ranges(dwellings))
      await add(
        PopulationEvents.dwellingRegistered,
        'Dwelling',
        `SELECT id AS aggregate_id, jsonb_build_object('dwellingId', id, 'gridId', $1::uuid, 'kind', kind, 'occupancy', 'OWNER_OCCUPIED') AS data
           FROM ledger_dwelling WHERE ord > $2 AND ord <= $3 ORDER BY ord`,
        from,
        to,
      );
    for (const [from, to] of ranges(lines))
      await add(
        PopulationEvents.householdRegistered,
        'Household',
        `SELECT id AS aggregate_id,
                jsonb_build_object('householdId', id, 'dwellingId', dwelling_id, 'gridId', $1::uuid, 'registrationType', registration_type) AS data
           FROM ledger_household WHERE first_line > $2 AND first_line <= $3 ORDER BY first_line`,
        from,
        to,
      );
    // Resident by resident in ledger order: registered, then joined their household.
    const members = (what: string, aggregate: string) => `
      SELECT ${aggregate} AS aggregate_id, jsonb_build_object(${what}, 'gridId', $1::uuid) AS data
        FROM ledger_stage s JOIN household h ON h.number = s.household_number
       WHERE s.reason IS NULL AND s.line > $2 AND s.line <= $3 ORDER BY s.line`;
    for (const [from, to] of ranges(lines)) {
      await add(
        PopulationEvents.residentRegistered,
        'Resident',
        members(`'residentId', s.resident_id, 'householdId', h.id`, 's.resident_id'),
        from,
        to,
      );
      await add(
        PopulationEvents.householdMemberJoined,
        'Household',
        members(`'householdId', h.id, 'residentId', s.resident_id`, 'h.id'),
        from,
        to,
      );
    }
  }

  /**
   * An area's registry as the ledger CSV it was imported from. ID numbers and phones are masked
   * unless the role may see them and a purpose is stated; then every exported resident is audited.
   */
  async export(principal: Principal, areaPath: string, purpose: string | undefined): Promise<string> {
    assertMayUse(principal, RULES.registry.export);
    assertCanAskAbout(principal, RULES.registry.export, areaPath);
    const why = purposeOf(purpose);
    // Each personal column by its own rule: a district officer certifies IDs but does not call people.
    const ids = why !== undefined && mayUnmask(principal, FIELDS.registry.nationalId);
    const phones = why !== undefined && mayUnmask(principal, FIELDS.registry.phone);
    const unmasked = ids || phones;
    const params: unknown[] = [areaPath];
    return this.dataSource.transaction('REPEATABLE READ', async (manager: EntityManager) => {
      const rows = await manager.query<
        {
          id: string;
          number: string;
          registrationType: string;
          address: string;
          houseNumber: string | null;
          building: string | null;
          road: string | null;
          name: string;
          nid: Buffer;
          phone: Buffer | null;
          relation: string;
        }[]
      >(
        `SELECT r.id, h.number, h.registration_type AS "registrationType", d.address_text AS address, d.house_number AS "houseNumber", d.building, d.road,
                r.name, r.national_id_cipher AS nid, r.phone_cipher AS phone, r.relation
           FROM resident r JOIN household h ON h.id = r.household_id JOIN dwelling d ON d.id = h.dwelling_id JOIN grid_replica g ON g.id = r.grid_id
          WHERE g.path <@ $1::ltree AND r.status = 'ACTIVE' AND ${gridReach(principal, RULES.registry.export, 'g', params)}
          ORDER BY h.number, r.created_at, r.id`,
        params,
      );
      if (unmasked) {
        for (const part of chunks(rows, AUDIT_CHUNK)) {
          await recordPiiReads(
            manager,
            part.map((r) => ({
              actor: principal.userId,
              actorRoles: principal.roles,
              subjectType: 'Resident',
              subjectId: r.id,
              fields: [...(ids ? ['nationalId'] : []), ...(phones ? ['phone'] : []), 'export'],
              purpose: why,
            })),
          );
        }
      }
      const lines = rows.map((r) => {
        const nid = this.cipher.decrypt(r.nid);
        const phone = r.phone ? this.cipher.decrypt(r.phone) : null;
        return [
          r.number,
          r.registrationType,
          r.address,
          r.houseNumber,
          r.building,
          r.road,
          r.name,
          ids ? nid : maskNationalId(nid),
          phone && (phones ? phone : maskPhone(phone)),
          r.relation,
        ]
          .map(csvField)
          .join(',');
      });
      return [LEDGER_COLUMNS.join(','), ...lines].join('\n') + '\n';
    });
  }
}
