import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AreaCreatedData, DepartmentCreatedData, GridEvents, MemberRegisteredData, EventPayloads, OutboxEvent } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { PiiCipher } from '@civgrid/pii';
import { coverageItem } from '../grid/coverage';
import { GridEntity } from '../grid/grid.entity';
import { gridEventData } from '../grid/grid.service';
import { assignmentEvent, AssignmentRow } from '../member/assignment-sql';
import { DEMO_DEPARTMENT_CODE, DEMO_GRID_MEMBER_USER, planDistrict, SeedSize } from './district-plan';

export interface SeedResult {
  districtName: string;
  districtPath: string;
  townPath: string;
  villagePath: string;
  gridId: string;
  /** The account linked to the first grid's member, and the demo department officer's department. */
  gridMemberUserId: string;
  departmentId: string;
  areas: number;
  grids: number;
  members: number;
  inserted: { areas: number; grids: number; members: number; assignments: number; departments: number };
}

const CHUNK = 1000;

/** Inserts `rows` in chunks; `R` is the shape of a row the statement's RETURNING gives back. */
async function insertMany<T, R>(
  manager: EntityManager,
  rows: T[],
  sql: (values: string) => string,
  columns: (row: T) => unknown[],
  onChunk: (n: number) => void,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const params: unknown[] = [];
    const values = chunk.map((row) => {
      const cols = columns(row);
      const at = params.length;
      params.push(...cols);
      return `(${cols.map((_, j) => `$${at + j + 1}`).join(', ')})`;
    });
    out.push(...(await manager.query<R[]>(sql(values.join(', ')), params)));
    onChunk(chunk.length);
  }
  return out;
}

/**
 * Seeds a district in one transaction with multi-row inserts, level by level: areas, grids with
 * their coverage, departments, a member for every grid (phone encrypted) and a grid leader
 * assignment each. Idempotent: rows that exist (by code, by phone hash, by an open leader
 * assignment) are kept, and only new rows raise events, so replicas elsewhere fill in.
 */
export async function seedDistrict(
  dataSource: DataSource,
  outbox: Outbox<EventPayloads>,
  size: SeedSize,
  cipher: PiiCipher,
  progress: (done: number, total: number) => void = () => undefined,
): Promise<SeedResult> {
  const plan = planDistrict(size);
  const total = plan.areas.length + plan.grids.length * 3 + plan.departments.length;
  let done = 0;
  const tick = (n: number): void => progress((done = Math.min(total, done + n)), total);
  return dataSource.transaction(async (manager) => {
    const events: OutboxEvent[] = [];
    let insertedAreas = 0;
    for (const level of ['DISTRICT', 'TOWN', 'VILLAGE'] as const) {
      const rows = plan.areas.filter((a) => a.level === level);
      const inserted = await insertMany<(typeof rows)[number], Omit<AreaCreatedData, 'areaId'> & { id: string }>(
        manager,
        rows,
        (values) => `
          INSERT INTO administrative_area (id, code, name, level, urban, parent_id, path)
          SELECT v.id::uuid, v.code, v.name, v.level::area_level, v.urban::boolean, p.id,
                 CASE WHEN p.id IS NULL THEN v.code::ltree ELSE p.path || v.code END
            FROM (VALUES ${values}) AS v(id, code, name, level, urban, parent_code)
            LEFT JOIN administrative_area p ON p.code = v.parent_code
          ON CONFLICT (code) DO NOTHING
          RETURNING id, code, name, level, parent_id AS "parentId", path::text AS path`,
        (a) => [randomUUID(), a.code, a.name, a.level, a.urban, a.parentCode],
        tick,
      );
      insertedAreas += inserted.length;
      for (const a of inserted) {
        const data: AreaCreatedData = { areaId: a.id, code: a.code, name: a.name, level, parentId: a.parentId ?? null, path: a.path };
        events.push({ type: GridEvents.areaCreated, aggregateType: 'AdministrativeArea', aggregateId: data.areaId, data });
      }
    }

    const insertedGridCodes = new Set<string>();
    for (const kind of ['TOTAL', 'BASIC'] as const) {
      const rows = plan.grids.filter((g) => g.kind === kind);
      const inserted = await insertMany<(typeof rows)[number], GridEntity & { areaPath: string }>(
        manager,
        rows,
        (values) => `
          INSERT INTO grid (id, code, name, kind, area_id, parent_grid_id, path)
          SELECT v.id::uuid, v.code, v.name, v.kind::grid_kind, a.id, pg.id, COALESCE(pg.path, a.path) || v.code
            FROM (VALUES ${values}) AS v(id, code, name, kind, area_code, parent_code)
            JOIN administrative_area a ON a.code = v.area_code
            LEFT JOIN grid pg ON pg.code = v.parent_code
          ON CONFLICT DO NOTHING
          RETURNING id, code, name, kind, area_id AS "areaId", parent_grid_id AS "parentGridId", path::text AS path, status,
                    (SELECT path::text FROM administrative_area WHERE id = area_id) AS "areaPath"`,
        (g) => [randomUUID(), g.code, g.name, g.kind, g.areaCode, g.parentCode],
        tick,
      );
      for (const g of inserted) {
        insertedGridCodes.add(g.code);
        events.push({ type: GridEvents.created, aggregateType: 'Grid', aggregateId: g.id, data: gridEventData(g, g.areaPath) });
      }
    }
    // Coverage only for grids made now: a reshaped or edited grid keeps what people gave it.
    const coverage = plan.grids
      .filter((g) => insertedGridCodes.has(g.code))
      .flatMap((g) => g.coverage.map((c, position) => ({ ...coverageItem(c.kind, c.name), gridCode: g.code, position })));
    await insertMany(
      manager,
      coverage,
      (values) => `
        INSERT INTO grid_coverage_item (id, grid_id, area_id, kind, name, item_key, position)
        SELECT v.id::uuid, g.id, g.area_id, v.kind::coverage_kind, v.name, v.item_key, v.position::int
          FROM (VALUES ${values}) AS v(id, grid_code, kind, name, item_key, position) JOIN grid g ON g.code = v.grid_code
        ON CONFLICT DO NOTHING`,
      (c) => [randomUUID(), c.gridCode, c.kind, c.name, c.key, c.position],
      () => undefined,
    );

    const departments = await insertMany<
      (typeof plan.departments)[number],
      Omit<DepartmentCreatedData, 'departmentId' | 'level'> & { id: string }
    >(
      manager,
      plan.departments,
      (values) => `
        INSERT INTO department (id, code, name, kind, level, area_id, area_path)
        SELECT v.id::uuid, v.code, v.name, v.kind::department_kind, 'DISTRICT', d.id, d.path
          FROM (VALUES ${values}) AS v(id, code, name, kind, district_code) JOIN administrative_area d ON d.code = v.district_code
        ON CONFLICT DO NOTHING
        RETURNING id, code, name, kind, area_id AS "areaId", area_path::text AS "areaPath"`,
      (d) => [randomUUID(), d.code, d.name, d.kind, plan.areas[0].code],
      tick,
    );
    for (const d of departments) {
      const { id: departmentId, ...department } = d;
      const data: DepartmentCreatedData = { departmentId, ...department, level: 'DISTRICT' };
      events.push({ type: GridEvents.departmentCreated, aggregateType: 'Department', aggregateId: data.departmentId, data });
    }

    // Members: the phone hash is deterministic, so a member seeded before is found again.
    // Bytes travel as hex text ('\\x…') and are cast back: VALUES gives parameters no type to bind to.
    const hex = (b: Buffer): string => `\\x${b.toString('hex')}`;
    const members = plan.members.map((m) => ({ ...m, hash: hex(cipher.hash(m.phone)) }));
    const insertedMembers = await insertMany<(typeof members)[number], Omit<MemberRegisteredData, 'memberId'> & { id: string }>(
      manager,
      members,
      (values) => `
        INSERT INTO grid_member (id, name, phone_cipher, phone_hash, employment, user_id, area_id, area_path)
        SELECT v.id::uuid, v.name, v.cipher::bytea, v.hash::bytea, v.employment::member_employment, v.user_id, a.id, a.path
          FROM (VALUES ${values}) AS v(id, name, cipher, hash, employment, user_id, grid_code)
          JOIN grid g ON g.code = v.grid_code JOIN administrative_area a ON a.id = g.area_id
        ON CONFLICT DO NOTHING
        RETURNING id, employment, user_id AS "userId", area_id AS "areaId", area_path::text AS "areaPath"`,
      (m) => [randomUUID(), m.name, hex(cipher.encrypt(m.phone)), m.hash, m.employment, m.userId, m.gridCode],
      tick,
    );
    for (const m of insertedMembers) {
      const data: MemberRegisteredData = {
        memberId: m.id,
        areaId: m.areaId,
        areaPath: m.areaPath,
        employment: m.employment,
        userId: m.userId ?? null,
      };
      events.push({ type: GridEvents.memberRegistered, aggregateType: 'GridMember', aggregateId: data.memberId, data });
    }

    // Each member leads their grid, unless the grid has a leader already (or the member holds a post).
    const assignments = await insertMany<(typeof members)[number], AssignmentRow>(
      manager,
      members,
      (values) => `
        INSERT INTO grid_assignment (id, member_id, grid_id, role, active_from)
        SELECT v.id::uuid, m.id, g.id, 'GRID_LEADER', now()
          FROM (VALUES ${values}) AS v(id, hash, grid_code)
          JOIN grid_member m ON m.phone_hash = v.hash::bytea
          JOIN grid g ON g.code = v.grid_code AND g.status = 'ACTIVE'
         WHERE NOT EXISTS (SELECT 1 FROM grid_assignment a WHERE a.grid_id = g.id AND a.role = 'GRID_LEADER' AND (a.active_to IS NULL OR a.active_to > now()))
           AND NOT EXISTS (SELECT 1 FROM grid_assignment a WHERE a.member_id = m.id)
        RETURNING id, member_id AS "memberId", grid_id AS "gridId", (SELECT path::text FROM grid WHERE id = grid_id) AS "gridPath",
                  role, active_from AS "from", active_to AS "to"`,
      (m) => [randomUUID(), m.hash, m.gridCode],
      tick,
    );
    for (const a of assignments) events.push(assignmentEvent(GridEvents.memberAssigned, a));

    for (let i = 0; i < events.length; i += CHUNK) await outbox.add(manager, ...events.slice(i, i + CHUNK));

    const [first] = await manager.query<
      { districtPath: string; districtName: string; townPath: string; villagePath: string; gridId: string }[]
    >(
      `SELECT d.path::text AS "districtPath", d.name AS "districtName", t.path::text AS "townPath", v.path::text AS "villagePath", g.id AS "gridId"
         FROM administrative_area d
         JOIN administrative_area t ON t.parent_id = d.id
         JOIN administrative_area v ON v.parent_id = t.id
         JOIN grid g ON g.area_id = v.id AND g.kind = 'TOTAL'
        WHERE d.code = $1 ORDER BY t.path, v.path LIMIT 1`,
      [plan.areas[0].code],
    );
    const [department] = await manager.query<{ id: string }[]>(`SELECT id FROM department WHERE code = $1`, [DEMO_DEPARTMENT_CODE]);
    return {
      ...first,
      gridMemberUserId: DEMO_GRID_MEMBER_USER,
      departmentId: department.id,
      areas: plan.areas.length,
      grids: plan.grids.length,
      members: plan.members.length,
      inserted: {
        areas: insertedAreas,
        grids: insertedGridCodes.size,
        members: insertedMembers.length,
        assignments: assignments.length,
        departments: departments.length,
      },
    };
  });
}
