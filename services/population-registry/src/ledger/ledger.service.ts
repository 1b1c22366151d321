import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { assertRole, hasRole, Principal } from '@civgrid/auth';
import { badInput } from '@civgrid/errors';
import { DwellingRegisteredData, HouseholdRegisteredData, ImportCompletedData, PopulationEvents } from '@civgrid/contracts';
import { DomainEvent, Outbox } from '@civgrid/events';
import { maskNationalId, maskPhone, PiiCipher, recordPiiReads } from '@civgrid/pii';
import { Clock, GridReplicaService } from '@civgrid/service-kit';
import { assertCanWrite, EXPORTERS, NATIONAL_ID_READERS, purposeOf, registryCondition } from '../registry/access';
import { raiseGridCounts } from '../registry/grid-counts';
import { crossCheck, LEDGER_COLUMNS, LedgerFormatError, LedgerRow, readLedger, Rejection } from './ledger-rows';
import { LedgerImportReportType } from './dto/ledger.type';

// Rows per statement: arrays through unnest keep each statement at a handful of parameters.
const CHUNK = 10_000;
// The outbox takes five parameters per event: stay under PostgreSQL's 65,535.
const EVENT_CHUNK = 5_000;

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

const csvField = (v: string | null): string => (v === null ? '' : /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

@Injectable()
export class LedgerService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly cipher: PiiCipher,
    private readonly grids: GridReplicaService,
  ) {}

  /**
   * A village ledger in one transaction: every row checked, refused rows reported by line, the rest
   * loaded with a few multi-row statements (unnest of arrays) whatever the number of rows.
   */
  async import(principal: Principal, gridId: string, csv: string): Promise<LedgerImportReportType> {
    const now = this.clock.now();
    let parsed: { rows: LedgerRow[]; rejected: Rejection[] };
    try {
      parsed = readLedger(csv, now);
    } catch (error) {
      if (error instanceof LedgerFormatError) throw badInput(error.reason, error.message);
      throw error;
    }
    const checked = crossCheck(parsed.rows);
    const rejected = [...parsed.rejected, ...checked.rejected];
    return this.dataSource.transaction(async (manager) => {
      const grid = await this.grids.get(gridId, manager);
      assertCanWrite(principal, grid, 'import ledgers');
      if (grid.status !== 'ACTIVE') throw badInput('GRID_NOT_ACTIVE', `The grid ${grid.id} is retired.`);
      const importId = randomUUID();
      let rows = checked.rows;
      const hashes = rows.map((r) => this.cipher.hash(r.nationalId));

      // People already registered, anywhere: refused by line (never named).
      const taken = new Set(
        (
          await manager.query<{ h: Buffer }[]>(`SELECT national_id_hash AS h FROM resident WHERE national_id_hash = ANY($1::bytea[])`, [
            hashes,
          ])
        ).map((r) => r.h.toString('hex')),
      );
      // Households already registered: joined when in this grid, refused when elsewhere.
      const numbers = [...new Set(rows.map((r) => r.householdNumber))];
      const existing = new Map(
        (
          await manager.query<{ id: string; number: string; gridId: string }[]>(
            `SELECT id, number, grid_id AS "gridId" FROM household WHERE number = ANY($1::text[])`,
            [numbers],
          )
        ).map((h) => [h.number, h]),
      );
      const keep: { row: LedgerRow; hash: Buffer }[] = [];
      rows.forEach((row, i) => {
        const other = existing.get(row.householdNumber);
        if (taken.has(hashes[i].toString('hex')))
          rejected.push({ line: row.line, reason: 'national_id: this person is already registered' });
        else if (other && other.gridId !== grid.id)
          rejected.push({ line: row.line, reason: 'household_number: registered in another grid' });
        else keep.push({ row, hash: hashes[i] });
      });
      rows = keep.map((k) => k.row);

      // Dwellings by address in this grid: found, or made.
      const addresses = [...new Map(rows.filter((r) => !existing.has(r.householdNumber)).map((r) => [r.address, r])).values()];
      const known = new Map(
        (
          await manager.query<{ id: string; address: string }[]>(
            `SELECT id, address_text AS address FROM dwelling WHERE grid_id = $1 AND address_text = ANY($2::text[])`,
            [grid.id, addresses.map((a) => a.address)],
          )
        ).map((d) => [d.address, d.id] as [string, string]),
      );
      const newDwellings = addresses.filter((a) => !known.has(a.address)).map((a) => ({ id: randomUUID(), row: a }));
      for (const part of chunks(newDwellings, CHUNK)) {
        await manager.query(
          `INSERT INTO dwelling (id, grid_id, kind, occupancy, road, building, house_number, address_text, created_at)
           SELECT u.id, $1, CASE WHEN u.building IS NULL AND u.house_number IS NOT NULL THEN 'RURAL_HOUSE' ELSE 'APARTMENT' END::dwelling_kind,
                  'OWNER_OCCUPIED', u.road, u.building, u.house_number, u.address, $7
             FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(id, road, building, house_number, address)`,
          [
            grid.id,
            part.map((d) => d.id),
            part.map((d) => d.row.road),
            part.map((d) => d.row.building),
            part.map((d) => d.row.houseNumber),
            part.map((d) => d.row.address),
            now,
          ],
        );
      }
      const dwellingOf = new Map<string, string>(known);
      for (const d of newDwellings) dwellingOf.set(d.row.address, d.id);

      // Households new to the registry.
      const newHouseholds = [
        ...new Map(rows.filter((r) => !existing.has(r.householdNumber)).map((r) => [r.householdNumber, r])).values(),
      ].map((r) => ({
        id: randomUUID(),
        row: r,
        dwellingId: dwellingOf.get(r.address)!,
      }));
      let householdOffset = 0;
      for (const part of chunks(newHouseholds, CHUNK)) {
        await manager.query(
          `INSERT INTO household (id, number, dwelling_id, grid_id, registration_type, created_at)
           SELECT u.id, u.number, u.dwelling_id, $1, u.registration_type::registration_type, $5::timestamptz + make_interval(secs => ($7::int + u.n) / 1e6)
             FROM unnest($2::uuid[], $3::text[], $4::uuid[], $6::text[]) WITH ORDINALITY AS u(id, number, dwelling_id, registration_type, n)`,
          [
            grid.id,
            part.map((h) => h.id),
            part.map((h) => h.row.householdNumber),
            part.map((h) => h.dwellingId),
            now,
            part.map((h) => h.row.registrationType),
            householdOffset,
          ],
        );
        householdOffset += part.length;
      }
      const householdOf = new Map<string, string>([...existing.values()].map((h) => [h.number, h.id]));
      for (const h of newHouseholds) householdOf.set(h.row.householdNumber, h.id);

      // Residents, their memberships and heads: one statement per 10,000 rows. Each row is stamped a
      // microsecond after the one before, so the grid's lists keep the ledger's order.
      let offset = 0;
      for (const part of chunks(keep, CHUNK)) {
        const ids = part.map(() => randomUUID());
        await manager.query(
          `WITH r AS (
             INSERT INTO resident (id, household_id, grid_id, name, relation, national_id_cipher, national_id_hash, birth_date, sex, phone_cipher, phone_hash, created_at)
             SELECT u.id, u.household_id, $1, u.name, u.relation, u.id_cipher, u.id_hash, u.birth_date, u.sex::resident_sex, u.phone_cipher, u.phone_hash,
                    $2::timestamptz + make_interval(secs => ($14::int + u.n) / 1e6)
               FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::bytea[], $8::bytea[], $9::date[], $10::text[], $11::bytea[], $12::bytea[])
                    WITH ORDINALITY AS u(id, household_id, name, relation, id_cipher, id_hash, birth_date, sex, phone_cipher, phone_hash, n)
             RETURNING id, household_id, relation
           ), m AS (
             INSERT INTO household_membership (household_id, resident_id, relation, joined_at, joined_reason)
             SELECT household_id, id, relation, $2, 'ledger import ' || $13 FROM r
           )
           UPDATE household h SET head_resident_id = r.id FROM r WHERE r.household_id = h.id AND r.relation = '户主'`,
          [
            grid.id,
            now,
            ids,
            part.map((k) => householdOf.get(k.row.householdNumber)),
            part.map((k) => k.row.name),
            part.map((k) => k.row.relation),
            part.map((k) => this.cipher.encrypt(k.row.nationalId)),
            part.map((k) => k.hash),
            part.map((k) => k.row.birthDate),
            part.map((k) => k.row.sex),
            part.map((k) => (k.row.phone === null ? null : this.cipher.encrypt(k.row.phone))),
            part.map((k) => (k.row.phone === null ? null : this.cipher.hash(k.row.phone))),
            importId,
            offset,
          ],
        );
        offset += part.length;
      }

      // Dwellings and households are announced one by one; residents of an import by the import's id and the grid's counts.
      const events: DomainEvent[] = [
        ...newDwellings.map((d) => {
          const data: DwellingRegisteredData = {
            dwellingId: d.id,
            gridId: grid.id,
            kind: d.row.building === null && d.row.houseNumber !== null ? 'RURAL_HOUSE' : 'APARTMENT',
            occupancy: 'OWNER_OCCUPIED',
          };
          return { type: PopulationEvents.dwellingRegistered, aggregateType: 'Dwelling', aggregateId: d.id, data };
        }),
        ...newHouseholds.map((h) => {
          const data: HouseholdRegisteredData = {
            householdId: h.id,
            dwellingId: h.dwellingId,
            gridId: grid.id,
            registrationType: h.row.registrationType,
          };
          return { type: PopulationEvents.householdRegistered, aggregateType: 'Household', aggregateId: h.id, data };
        }),
      ];
      for (const part of chunks(events, EVENT_CHUNK)) await this.outbox.add(manager, ...part);
      rejected.sort((a, b) => a.line - b.line);
      const completed: ImportCompletedData = { importId, gridId: grid.id, accepted: keep.length, rejected: rejected.length };
      await this.outbox.add(manager, {
        type: PopulationEvents.importCompleted,
        aggregateType: 'Grid',
        aggregateId: grid.id,
        data: completed,
      });
      if (keep.length > 0) await raiseGridCounts(manager, this.outbox, [grid.id], now);
      return { importId, accepted: keep.length, householdsCreated: newHouseholds.length, dwellingsCreated: newDwellings.length, rejected };
    });
  }

  /**
   * An area's registry as the ledger CSV it was imported from. ID numbers and phones are masked
   * unless the role may see them and a purpose is stated; then every exported resident is audited.
   */
  async export(principal: Principal, areaPath: string, purpose: string | undefined): Promise<string> {
    assertRole(principal, EXPORTERS, 'export the registry');
    const why = purposeOf(purpose);
    const unmasked = why !== undefined && hasRole(principal, ...NATIONAL_ID_READERS);
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
          WHERE g.path <@ $1::ltree AND r.status = 'ACTIVE' AND ${registryCondition(principal, 'g', params)}
          ORDER BY h.number, r.created_at, r.id`,
        params,
      );
      if (unmasked) {
        for (const part of chunks(rows, EVENT_CHUNK)) {
          await recordPiiReads(
            manager,
            part.map((r) => ({
              actor: principal.userId,
              actorRoles: principal.roles,
              subjectType: 'Resident',
              subjectId: r.id,
              fields: ['nationalId', 'phone', 'export'],
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
          unmasked ? nid : maskNationalId(nid),
          phone && (unmasked ? phone : maskPhone(phone)),
          r.relation,
        ]
          .map(csvField)
          .join(',');
      });
      return [LEDGER_COLUMNS.join(','), ...lines].join('\n') + '\n';
    });
  }
}
