import { createdOrderPage, decodeKeyset, encodeCursor, keysetCondition } from './pagination';

/** The domain reason a call throws (the kit cannot use @civgrid/testing, which depends on it). */
const reasonThrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return (error as { reason?: unknown }).reason;
  }
  return undefined;
};

describe('keyset cursors', () => {
  it('give back what the list put in', () => {
    const values = ['370911000000.370911001000', '7d5c3c1e-0000-4000-8000-000000000000'];
    expect(decodeKeyset(encodeCursor(values), ['path', 'uuid'])).toEqual(values);
    expect(decodeKeyset(encodeCursor(['2026-12-01T08:00:00.123456Z']), ['timestamp'])).toEqual(['2026-12-01T08:00:00.123456Z']);
    expect(decodeKeyset(undefined, ['path'])).toBeUndefined();
    // PostgreSQL's own text form of a timestamptz, as some lists keep it.
    expect(decodeKeyset(encodeCursor(['2026-12-01 08:00:00.123456+00']), ['timestamp'])).toEqual(['2026-12-01 08:00:00.123456+00']);
  });

  it.each([
    ['a path with spaces', ['not a path'], ['path']],
    ['a label over 1,000 characters', ['a'.repeat(1001)], ['path']],
    ['a number for a path', [42], ['path']],
    ['a word for a number', ['two'], ['int']],
    ['a malformed id', ['370911000000', 'not-a-uuid'], ['path', 'uuid']],
    ['a date that is not a moment', ['yesterday', '7d5c3c1e-0000-4000-8000-000000000000'], ['timestamp', 'uuid']],
    ['a date that does not exist', ['2026-13-45 08:00:00+00'], ['timestamp']],
    ['too few values', ['370911000000'], ['path', 'uuid']],
  ] as const)('refuse %s as INVALID_CURSOR', (_label, values, parts) => {
    expect(reasonThrown(() => decodeKeyset(encodeCursor([...values]), parts))).toBe('INVALID_CURSOR');
  });
});

describe('the keyset condition', () => {
  it('compares the row values after the cursor, cast as their parts, in the list order', () => {
    const params: unknown[] = ['x'];
    const after = encodeCursor(['2026-12-01T08:00:00.123Z', '7d5c3c1e-0000-4000-8000-000000000000']);
    expect(
      keysetCondition(
        after,
        [
          ['r.created_at', 'timestamp'],
          ['r.id', 'uuid'],
        ],
        'DESC',
        params,
      ),
    ).toBe('(r.created_at, r.id) < ($2::timestamptz, $3::uuid)');
    expect(params).toEqual(['x', '2026-12-01T08:00:00.123Z', '7d5c3c1e-0000-4000-8000-000000000000']);
    expect(keysetCondition(undefined, [['r.id', 'uuid']], 'ASC', params)).toBeUndefined();
    expect(
      keysetCondition(
        encodeCursor([2, '370911000000']),
        [
          ['nlevel(p)', 'int'],
          ['p', 'path'],
        ],
        'ASC',
        [],
      ),
    ).toBe('(nlevel(p), p) > ($1::bigint, $2::ltree)');
  });
});

describe('a page in registration order', () => {
  it('starts after the cursor and asks for one row more than the page', () => {
    const params: unknown[] = [['grid-a']];
    const cursor = encodeCursor(['2026-12-01T08:00:00.000001Z', '7d5c3c1e-0000-4000-8000-000000000000']);
    expect(createdOrderPage('h', { after: cursor, first: 20 }, params)).toEqual({
      after: 'AND (h.created_at, h.id) > ($2::timestamptz, $3::uuid)',
      orderBy: 'h.created_at, h.id',
      limit: '$4',
    });
    expect(params).toEqual([['grid-a'], '2026-12-01T08:00:00.000001Z', '7d5c3c1e-0000-4000-8000-000000000000', 21]);
  });

  it('has no lower bound on the first page', () => {
    const params: unknown[] = [];
    expect(createdOrderPage('d', { first: 50 }, params)).toEqual({ after: '', orderBy: 'd.created_at, d.id', limit: '$1' });
    expect(params).toEqual([51]);
  });

  it('refuses a cursor of another list', () => {
    expect(reasonThrown(() => createdOrderPage('r', { after: encodeCursor(['370911000000']), first: 5 }, []))).toBe('INVALID_CURSOR');
  });
});
