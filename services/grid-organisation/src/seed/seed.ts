import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AreaCreatedData, GridEvents } from '@civgrid/contracts';
import { DomainEvent, Outbox } from '@civgrid/events';
import { gridEventData } from '../grid/grid.service';
import { GridEntity } from '../grid/grid.entity';
import { planDistrict, SeedSize } from './district-plan';

export interface SeedResult {
  districtName: string;
  districtPath: string;
  townPath: string;
  villagePath: string;
  gridId: string;
  areas: number;
  grids: number;
  inserted: { areas: number; grids: number };
}

const CHUNK = 1000;

async function insertMany<T>(manager: EntityManager, rows: T[], sql: (values: string) => string, columns: (row: T) => unknown[], onChunk: () => void): Promise<Record<string, string>[]> {
  const out: Record<string, string>[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const params: unknown[] = [];
    const values = chunk.map((row) => {
      const cols = columns(row);
      const at = params.length;
      params.push(...cols);
      return `(${cols.map((_, j) => `$${at + j + 1}`).join(', ')})`;
    });
    out.push(...(await manager.query<Record<string, string>[]>(sql(values.join(", ")), params)));
    onChunk();
  }
  return out;
}

/**
 * Seeds a district in one transaction with multi-row inserts, level by level. Idempotent: rows
 * that exist (by code) are kept, and only new rows raise events, so replicas elsewhere fill in.
 */
export async function seedDistrict(dataSource: DataSource, outbox: Outbox, size: SeedSize, progress: (done: number, total: number) => void = () => undefined): Promise<SeedResult> {
  const plan = planDistrict(size);
  const total = plan.areas.length + plan.grids.length;
  let done = 0;
  const tick = (n: number) => () => progress((done = Math.min(total, done + n)), total);
  return dataSource.transaction(async (manager) => {
    const events: DomainEvent[] = [];
    let insertedAreas = 0;
    for (const level of ['DISTRICT', 'TOWN', 'VILLAGE'] as const) {
      const rows = plan.areas.filter((a) => a.level === level);
      const inserted = await insertMany(
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
        tick(Math.min(rows.length, CHUNK)),
      );
      insertedAreas += inserted.length;
      for (const a of inserted) {
        const data: AreaCreatedData = { areaId: a['id'], code: a['code'], name: a['name'], level: level, parentId: a['parentId'] ?? null, path: a['path'] };
        events.push({ type: GridEvents.areaCreated, aggregateType: 'AdministrativeArea', aggregateId: data.areaId, data });
      }
    }
    let insertedGrids = 0;
    for (const kind of ['TOTAL', 'BASIC'] as const) {
      const rows = plan.grids.filter((g) => g.kind === kind);
      const inserted = await insertMany(
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
        tick(Math.min(rows.length, CHUNK)),
      );
      insertedGrids += inserted.length;
      for (const g of inserted) {
        const entity = g as unknown as GridEntity & { areaPath: string };
        events.push({ type: GridEvents.created, aggregateType: 'Grid', aggregateId: entity.id, data: gridEventData(entity, entity.areaPath) });
      }
    }
    for (let i = 0; i < events.length; i += CHUNK) await outbox.add(manager, ...events.slice(i, i + CHUNK));

    const [first] = await manager.query<{ districtPath: string; districtName: string; townPath: string; villagePath: string; gridId: string }[]>(
      `SELECT d.path::text AS "districtPath", d.name AS "districtName", t.path::text AS "townPath", v.path::text AS "villagePath", g.id AS "gridId"
         FROM administrative_area d
         JOIN administrative_area t ON t.parent_id = d.id
         JOIN administrative_area v ON v.parent_id = t.id
         JOIN grid g ON g.area_id = v.id AND g.kind = 'TOTAL'
        WHERE d.code = $1 ORDER BY t.path, v.path LIMIT 1`,
      [plan.areas[0].code],
    );
    return {
      ...first,
      areas: plan.areas.length,
      grids: plan.grids.length,
      inserted: { areas: insertedAreas, grids: insertedGrids },
    };
  });
}
