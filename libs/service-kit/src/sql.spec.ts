import { sql } from './sql';
import { encodeCursor, keysetSql, listPage } from './pagination';

describe('the sql template', () => {
  it('numbers its values and keeps them out of the text', () => {
    const name = "O'Brien; DROP TABLE grid; --";
    expect(sql`SELECT id FROM resident WHERE name = ${name} AND age > ${40}`.toQuery()).toEqual({
      text: 'SELECT id FROM resident WHERE name = $1 AND age > $2',
      values: [name, 40],
    });
  });

  it('numbers across nested fragments in the order they appear', () => {
    const inner = sql`kind = ${'VILLAGE'} AND path <@ ${'370911'}::ltree`;
    const q = sql`SELECT * FROM grid WHERE status = ${'ACTIVE'} AND (${inner}) AND level = ${3} LIMIT ${21}`.toQuery();
    expect(q.text).toBe('SELECT * FROM grid WHERE status = $1 AND (kind = $2 AND path <@ $3::ltree) AND level = $4 LIMIT $5');
    expect(q.values).toEqual(['ACTIVE', 'VILLAGE', '370911', 3, 21]);
  });

  it('numbers a fragment used twice once for each use', () => {
    const cond = sql`grid_id = ${'g'}`;
    expect(sql`${cond} OR ${cond}`.toQuery()).toEqual({ text: 'grid_id = $1 OR grid_id = $2', values: ['g', 'g'] });
  });

  it('joins a list with a separator, and an empty list writes nothing', () => {
    const rows = [
      ['a', 1],
      ['b', 2],
    ].map(([k, n]) => sql`(${k}, ${n}::int)`);
    expect(sql`INSERT INTO t (k, n) VALUES ${sql.join(rows)}`.toQuery()).toEqual({
      text: 'INSERT INTO t (k, n) VALUES ($1, $2::int), ($3, $4::int)',
      values: ['a', 1, 'b', 2],
    });
    expect(sql`SELECT ${sql.join([])}`.toQuery()).toEqual({ text: 'SELECT ', values: [] });
    expect(sql.join([sql`a = ${1}`, sql`b = ${2}`], sql` OR `).toQuery()).toEqual({ text: 'a = $1 OR b = $2', values: [1, 2] });
  });

  it('joins conditions with AND, TRUE when there are none', () => {
    expect(sql`WHERE ${sql.and([])}`.toQuery()).toEqual({ text: 'WHERE TRUE', values: [] });
    expect(sql`WHERE ${sql.and([sql`a = ${1}`, undefined, sql`b = ${2}`])}`.toQuery()).toEqual({
      text: 'WHERE a = $1 AND b = $2',
      values: [1, 2],
    });
  });

  it('passes an array as one value (for = ANY($1::uuid[]))', () => {
    expect(sql`id = ANY(${['a', 'b']}::uuid[])`.toQuery()).toEqual({ text: 'id = ANY($1::uuid[])', values: [['a', 'b']] });
  });

  it('puts raw text and identifiers only as given, and refuses what is not an identifier', () => {
    expect(sql`SELECT ${sql.raw('id, path::text AS "path"')} FROM ${sql.ident('grid')} ORDER BY ${sql.ident('g.path')}`.toQuery()).toEqual({
      text: 'SELECT id, path::text AS "path" FROM grid ORDER BY g.path',
      values: [],
    });
    expect(() => sql.ident('grid; DROP TABLE grid')).toThrow(/not an SQL identifier/);
  });

  it('numbers what a params-appending helper writes where it lands', () => {
    const reach = sql.params((params) => {
      params.push('370911');
      return `path <@ $${params.length}::ltree`;
    });
    expect(sql`WHERE kind = ${'V'} AND ${reach} LIMIT ${5}`.toQuery()).toEqual({
      text: 'WHERE kind = $1 AND path <@ $2::ltree LIMIT $3',
      values: ['V', '370911', 5],
    });
  });
});

describe('the keyset fragment', () => {
  it('compares after the cursor with casts, or is absent on the first page', () => {
    const after = encodeCursor(['2026-12-01T08:00:00.123Z', '7d5c3c1e-0000-4000-8000-000000000000']);
    const cond = keysetSql(
      after,
      [
        ['r.created_at', 'timestamp'],
        ['r.id', 'uuid'],
      ],
      'DESC',
    );
    expect(sql`WHERE x = ${'x'} AND ${cond!}`.toQuery()).toEqual({
      text: 'WHERE x = $1 AND (r.created_at, r.id) < ($2::timestamptz, $3::uuid)',
      values: ['x', '2026-12-01T08:00:00.123Z', '7d5c3c1e-0000-4000-8000-000000000000'],
    });
    expect(keysetSql(undefined, [['r.id', 'uuid']], 'ASC')).toBeUndefined();
  });
});

describe('a list page', () => {
  const recorder = () => {
    const sent: { text: string; values?: unknown[] }[] = [];
    return {
      sent,
      query: async (text: string, values?: unknown[]) => {
        sent.push({ text, values });
        return text.startsWith('SELECT count') ? [{ n: 3 }] : [{ path: 'a' }, { path: 'b' }, { path: 'c' }];
      },
    };
  };

  it('sends the page (one row more than asked) and the count over the same filter, two statements', async () => {
    const db = recorder();
    const page = await listPage(db, {
      columns: sql.raw('path'),
      from: sql.raw('grid'),
      where: [sql`kind = ${'V'}`, undefined],
      keys: [['path', 'path']],
      direction: 'ASC',
      page: { first: 2, after: encodeCursor(['370911']) },
      map: (r: { path: string }) => r.path,
      cursorOf: (r) => [r.path],
    });
    expect(db.sent).toEqual([
      { text: 'SELECT path FROM grid WHERE kind = $1 AND (path) > ($2::ltree) ORDER BY path ASC LIMIT $3', values: ['V', '370911', 3] },
      { text: 'SELECT count(*)::int AS n FROM grid WHERE kind = $1', values: ['V'] },
    ]);
    expect(page.edges.map((e) => e.node)).toEqual(['a', 'b']);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.totalCount).toBe(3);
  });

  it('has no filter and no lower bound on an unfiltered first page', async () => {
    const db = recorder();
    await listPage(db, {
      columns: sql.raw('path'),
      from: sql.raw('grid'),
      where: [],
      keys: [['path', 'path']],
      direction: 'DESC',
      page: { first: 5 },
      map: (r: { path: string }) => r,
      cursorOf: (r) => [r.path],
    });
    expect(db.sent.map((s) => s.text)).toEqual([
      'SELECT path FROM grid WHERE TRUE ORDER BY path DESC LIMIT $1',
      'SELECT count(*)::int AS n FROM grid WHERE TRUE',
    ]);
  });
});
