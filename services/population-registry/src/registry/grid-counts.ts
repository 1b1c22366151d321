import { EntityManager } from 'typeorm';
import { GridHouseholdCountChangedData, PopulationCountEvents, EventPayloads } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';

/**
 * Grid health in grid organisation counts households from this event: raised in the transaction of
 * every change that moves a grid's numbers, with the counts as they stand in that transaction.
 */
export async function raiseGridCounts(
  manager: EntityManager,
  outbox: Outbox<EventPayloads>,
  gridIds: Iterable<string>,
  asOf: Date,
): Promise<void> {
  const ids = [...new Set(gridIds)];
  if (ids.length === 0) return;
  const rows = await manager.query<{ gridId: string; households: number; residents: number }[]>(
    `SELECT g.id AS "gridId",
            (SELECT count(*)::int FROM household h WHERE h.grid_id = g.id) AS households,
            (SELECT count(*)::int FROM resident r WHERE r.grid_id = g.id AND r.status = 'ACTIVE') AS residents
       FROM unnest($1::uuid[]) AS g(id) ORDER BY g.id`,
    [ids],
  );
  await outbox.add(
    manager,
    ...rows.map((r) => {
      const data: GridHouseholdCountChangedData = {
        gridId: r.gridId,
        households: r.households,
        residents: r.residents,
        asOf: asOf.toISOString(),
      };
      return { type: PopulationCountEvents.gridHouseholdCountChanged, aggregateType: 'Grid', aggregateId: r.gridId, data };
    }),
  );
}

/** The district's calendar: deadlines and quarters are local to Asia/Shanghai (UTC+8, no DST). */
export const DISTRICT_TZ = 'Asia/Shanghai';

/** The local day (YYYY-MM-DD) of an instant. */
export const localDay = (at: Date): string => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** The local quarter of an instant, e.g. `2026Q4`, and its bounds as instants. */
export function quarterOf(at: Date): { label: string; from: Date; to: Date } {
  const local = new Date(at.getTime() + 8 * 3600_000);
  const y = local.getUTCFullYear();
  const q = Math.floor(local.getUTCMonth() / 3);
  const from = new Date(Date.UTC(y, q * 3, 1) - 8 * 3600_000);
  const to = new Date(Date.UTC(y, q * 3 + 3, 1) - 8 * 3600_000);
  return { label: `${y}Q${q + 1}`, from, to };
}
