import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DwellingRehomedData, GridEvents, GridReshapedData, PopulationEvents, EventPayloads } from '@civgrid/contracts';
import { CloudEvent, Outbox } from '@civgrid/events';
import { EventHandlers } from '@civgrid/service-kit';
import { raiseGridCounts } from '../registry/grid-counts';

// A dwelling's coverage keys as grid organisation spells them (`BUILDING:3号楼`, `STREET:东岳大街`):
// NFKC, trimmed, inner spaces collapsed.
const norm = (column: string): string => `regexp_replace(btrim(normalize(${column}, NFKC)), '\\s+', ' ', 'g')`;

/**
 * Re-homes dwellings when grids are reshaped: a dwelling follows the coverage item (building,
 * street or lane) it lies on; the rest of a retired grid goes where all of its items went, when
 * that is one grid. Households and residents follow their dwelling.
 */
@Injectable()
export class ReshapeHandler implements OnModuleInit {
  constructor(
    private readonly handlers: EventHandlers,
    private readonly outbox: Outbox<EventPayloads>,
  ) {}

  onModuleInit(): void {
    this.handlers.on(GridEvents.reshaped, (event, manager) => this.apply(event, manager));
  }

  async apply(event: CloudEvent<GridReshapedData>, manager: EntityManager): Promise<void> {
    const data = event.data;
    const items = data.items;
    const retired = data.retiredGrids.map((g) => g.gridId);
    // A retired grid whose items all went to one grid sends the rest of its dwellings there too.
    const wholesale = retired
      .map((from) => ({ from, to: [...new Set(items.filter((i) => i.fromGridId === from).map((i) => i.toGridId))] }))
      .filter((m) => m.to.length === 1)
      .map((m) => ({ from: m.from, to: m.to[0] }));
    const [moved] = await manager.query<[{ id: string; fromGridId: string; toGridId: string }[], number]>(
      `WITH item AS (SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[]) AS i(key, from_grid, to_grid)),
            whole AS (SELECT * FROM unnest($4::uuid[], $5::uuid[]) AS w(from_grid, to_grid)),
            target AS (
              SELECT d.id, d.grid_id AS from_grid,
                     coalesce(
                       (SELECT i.to_grid FROM item i WHERE i.from_grid = d.grid_id AND i.key IN (
                          'BUILDING:' || ${norm('d.building')}, 'STREET:' || ${norm('d.road')}, 'LANE:' || ${norm('d.road')}) LIMIT 1),
                       (SELECT w.to_grid FROM whole w WHERE w.from_grid = d.grid_id)) AS to_grid
                FROM dwelling d WHERE d.grid_id = ANY($2::uuid[]) OR d.grid_id = ANY($4::uuid[]))
       UPDATE dwelling d SET grid_id = t.to_grid FROM target t
        WHERE d.id = t.id AND t.to_grid IS NOT NULL AND t.to_grid <> t.from_grid
       RETURNING d.id, t.from_grid AS "fromGridId", t.to_grid AS "toGridId"`,
      [
        items.map((i) => i.key),
        items.map((i) => i.fromGridId),
        items.map((i) => i.toGridId),
        wholesale.map((w) => w.from),
        wholesale.map((w) => w.to),
      ],
    );
    if (moved.length === 0) return;
    const ids = moved.map((m) => m.id);
    await manager.query(
      `UPDATE household h SET grid_id = d.grid_id FROM dwelling d WHERE d.id = h.dwelling_id AND d.id = ANY($1::uuid[])`,
      [ids],
    );
    await manager.query(
      `UPDATE resident r SET grid_id = h.grid_id FROM household h WHERE h.id = r.household_id AND h.dwelling_id = ANY($1::uuid[])`,
      [ids],
    );
    for (const table of ['household_visit', 'need']) {
      await manager.query(
        `UPDATE ${table} x SET grid_id = h.grid_id FROM household h WHERE h.id = x.household_id AND h.dwelling_id = ANY($1::uuid[]) AND x.grid_id <> h.grid_id`,
        [ids],
      );
    }
    await this.outbox.add(
      manager,
      ...moved.map((m) => {
        const rehomed: DwellingRehomedData = {
          dwellingId: m.id,
          fromGridId: m.fromGridId,
          toGridId: m.toGridId,
          reshapeId: data.reshapeId,
        };
        return { type: PopulationEvents.dwellingRehomed, aggregateType: 'Dwelling', aggregateId: m.id, data: rehomed };
      }),
    );
    await raiseGridCounts(
      manager,
      this.outbox,
      moved.flatMap((m) => [m.fromGridId, m.toGridId]),
      new Date(event.time),
    );
  }
}
