import { Connection, toConnection } from '@civgrid/service-kit';

/** A row of a per-key page query: the key, its total, and a page row (all null when the key has none). */
export type KeyedRow<R> = R & { key: string; total: number };

/**
 * Splits the rows of one `unnest(keys) CROSS JOIN LATERAL (count) LEFT JOIN LATERAL (page)` statement
 * into a connection per key, in the order of `keys`.
 */
export function keyedConnections<R extends { id: string | null }, T>(
  keys: readonly string[],
  rows: KeyedRow<R>[],
  first: number,
  map: (row: R) => T,
  cursorOf: (row: R) => (string | number)[],
): Connection<T>[] {
  const byKey = new Map<string, { total: number; rows: R[] }>();
  for (const row of rows) {
    const entry = byKey.get(row.key) ?? { total: row.total, rows: [] };
    if (row.id) entry.rows.push(row);
    byKey.set(row.key, entry);
  }
  return keys.map((key) => {
    const entry = byKey.get(key) ?? { total: 0, rows: [] };
    return toConnection(entry.rows, first, entry.total, map, cursorOf);
  });
}
