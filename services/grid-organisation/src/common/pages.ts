import { Connection, toConnection } from '@civgrid/service-kit';

/** A row of a batched page query: its parent, the parent's total, and the columns (null when the page is empty). */
export type PageRow<R> = Partial<R> & { parent: string; total: number; id: string | null };

/**
 * One connection per parent from one statement of the shape
 * `unnest(parents) × LATERAL count × LEFT JOIN LATERAL (page)`: a parent whose page is empty still
 * has its row, so its totalCount shows.
 */
export function pagesOf<R extends { id: string }, T>(
  parents: readonly string[],
  rows: PageRow<R>[],
  first: number,
  map: (row: R) => T,
  cursorOf: (row: R) => string[],
): Connection<T>[] {
  const byParent = new Map<string, PageRow<R>[]>();
  for (const row of rows) {
    const list = byParent.get(row.parent) ?? [];
    list.push(row);
    byParent.set(row.parent, list);
  }
  return parents.map((parent) => {
    const group = byParent.get(parent) ?? [];
    const found = group.filter((r) => r.id != null) as unknown as R[];
    return toConnection(found, first, group[0]?.total ?? 0, map, cursorOf);
  });
}

/** The SQL for such a statement, from the filter that picks a parent's rows (`$1` is the parents' ids). */
export function pageSql(o: {
  parentType: string;
  from: string;
  where: string;
  keyset: string;
  columns: string;
  order: string;
  limit: string;
}): string {
  return `SELECT k.id AS parent, t.total, p.*
            FROM unnest($1::${o.parentType}[]) AS k(id)
            CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM ${o.from} WHERE ${o.where}) t
            LEFT JOIN LATERAL (
              SELECT ${o.columns}, row_number() OVER (ORDER BY ${o.order}) AS position
                FROM ${o.from} WHERE ${o.where} ${o.keyset ? `AND ${o.keyset}` : ''} ORDER BY ${o.order} LIMIT ${o.limit}
            ) p ON TRUE
           ORDER BY k.id, p.position`;
}
