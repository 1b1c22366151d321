import { Type } from '@nestjs/common';
import { ArgsType, Directive, Field, Int, ObjectType } from '@nestjs/graphql';
import { IsBase64, IsInt, IsOptional, Max, Min } from 'class-validator';
import { isLtreePath } from '@civgrid/auth';
import { badInput } from '@civgrid/errors';
import { Queryable, Sql, sql } from './sql';

@ObjectType()
@Directive('@shareable')
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 50, description: 'At most 200.' })
  @IsInt()
  @Min(1)
  @Max(200)
  first: number = 50;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  @IsOptional()
  @IsBase64({ urlSafe: true })
  after?: string;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** A `<Name>Connection` type with edges, pageInfo and totalCount, for one node type. */
export function ConnectionType<T>(node: Type<T>, name: string): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'All matching rows, not only this page.' })
    totalCount!: number;
  }
  return ConnectionClass;
}

/** Keyset cursor: the sort values of the last row, opaque to clients. */
export function encodeCursor(values: (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | undefined {
  if (!cursor) return undefined;
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === 'string' || typeof v === 'number')) {
      return values;
    }
  } catch {
    // fall through
  }
  throw badInput('INVALID_CURSOR', 'The "after" cursor is not one this list gave out.');
}

/** What each value of a keyset cursor holds, so it is checked before it goes into SQL. */
export type KeyPart = 'timestamp' | 'uuid' | 'path' | 'text' | 'int';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// As the lists write them: UTC from PostgreSQL (microseconds) or from a JavaScript Date (milliseconds).
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/;
const KEY_VALID: Record<KeyPart, (v: string | number) => boolean> = {
  // PostgreSQL's text form ("2026-12-01 08:00:00.123456+00") made into one Date.parse reads, to catch "2026-13-45".
  timestamp: (v) =>
    typeof v === 'string' && TIMESTAMP.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'))),
  uuid: (v) => typeof v === 'string' && UUID.test(v),
  path: (v) => typeof v === 'string' && isLtreePath(v),
  text: (v) => typeof v === 'string' && v.length <= 1000,
  int: (v) => Number.isSafeInteger(typeof v === 'number' ? v : Number(v)) && String(v).length > 0,
};
const KEY_CAST: Record<KeyPart, string> = { timestamp: 'timestamptz', uuid: 'uuid', path: 'ltree', text: 'text', int: 'bigint' };

/**
 * A keyset cursor with every value checked against what its list put in: a forged cursor is refused
 * as a garbled one is (INVALID_CURSOR), never handed to PostgreSQL to cast.
 */
export function decodeKeyset(after: string | undefined, parts: readonly KeyPart[]): (string | number)[] | undefined {
  const values = decodeCursor(after, parts.length);
  if (!values) return undefined;
  if (!values.every((v, i) => KEY_VALID[parts[i]](v)))
    throw badInput('INVALID_CURSOR', 'The "after" cursor is not one this list gave out.');
  return values;
}

/**
 * "After this cursor" in a list ordered by `keys` (SQL expressions and what each holds), ascending
 * or descending: a row-value comparison the matching index serves. Appends to `params`; undefined
 * on the first page.
 */
export function keysetCondition(
  after: string | undefined,
  keys: readonly (readonly [column: string, part: KeyPart])[],
  order: 'ASC' | 'DESC',
  params: unknown[],
): string | undefined {
  return keysetSql(after, keys, order)?.appendTo(params);
}

/** A keyset order: SQL expressions (constants of the code) and what each holds. */
export type KeysetOrder = readonly (readonly [column: string, part: KeyPart])[];

/** keysetCondition as a fragment of a `sql` statement; undefined on the first page. */
export function keysetSql(after: string | null | undefined, keys: KeysetOrder, order: 'ASC' | 'DESC'): Sql | undefined {
  const values = decodeKeyset(
    after ?? undefined,
    keys.map(([, part]) => part),
  );
  if (!values) return undefined;
  const placeholders = values.map((v, i) => sql`${v}::${sql.raw(KEY_CAST[keys[i][1]])}`);
  return sql`(${sql.raw(keys.map(([column]) => column).join(', '))}) ${sql.raw(order === 'ASC' ? '>' : '<')} (${sql.join(placeholders)})`;
}

/**
 * One page of a list and its total: `SELECT columns FROM from WHERE filter [AND after the cursor]
 * ORDER BY keys LIMIT first + 1` and `SELECT count(*) FROM from WHERE filter`, two statements sent
 * together. `from` may join; `orderBy` defaults to the keys in `direction`.
 */
export async function listPage<R, T>(
  runner: Queryable,
  list: {
    columns: Sql;
    from: Sql;
    where: readonly (Sql | undefined)[];
    keys: KeysetOrder;
    direction: 'ASC' | 'DESC';
    orderBy?: Sql;
    page: { first: number; after?: string | null };
    map: (row: R) => T;
    cursorOf: (row: R) => (string | number)[];
  },
): Promise<Connection<T>> {
  const filter = sql.and(list.where);
  const after = keysetSql(list.page.after, list.keys, list.direction);
  const orderBy = list.orderBy ?? sql.raw(list.keys.map(([column]) => `${column} ${list.direction}`).join(', '));
  const page = sql`SELECT ${list.columns} FROM ${list.from} WHERE ${sql.and([...list.where, after])} ORDER BY ${orderBy} LIMIT ${list.page.first + 1}`;
  const count = sql`SELECT count(*)::int AS n FROM ${list.from} WHERE ${filter}`;
  const [rows, counted] = await Promise.all([
    runner.query(...toArgs(page)) as Promise<R[]>,
    runner.query(...toArgs(count)) as Promise<{ n: number }[]>,
  ]);
  return toConnection(rows, list.page.first, counted[0]?.n ?? 0, list.map, list.cursorOf);
}

const toArgs = (statement: Sql): [string, unknown[]] => {
  const { text, values } = statement.toQuery();
  return [text, values];
};

/** The keys of a list in the order its rows were registered: `created_at`, then `id`, on table alias `alias`. */
export const createdOrder = (alias: string): KeysetOrder => [
  [`${alias}.created_at`, 'timestamp'],
  [`${alias}.id`, 'uuid'],
];

/**
 * The SQL of one page of a list in the order its rows were registered (`created_at`, then `id`,
 * ascending, on table alias `alias`): `after`, " AND (…) > (…)" past the cursor or empty on the
 * first page, and `limit`, the placeholder of first + 1 (the extra row tells toConnection that a
 * next page exists). Appends to `params`; the cursor is `[createdAt, id]`.
 */
export function createdOrderPage(
  alias: string,
  page: { after?: string | null; first: number },
  params: unknown[],
): { after: string; orderBy: string; limit: string } {
  const after = keysetCondition(page.after ?? undefined, createdOrder(alias), 'ASC', params);
  const limit = sql`${page.first + 1}`.appendTo(params);
  return { after: after ? `AND ${after}` : '', orderBy: `${alias}.created_at, ${alias}.id`, limit };
}

/** SQL that writes a timestamptz as cursors keep it (UTC, microseconds: no row is seen twice). */
export const cursorTimestamp = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Builds a connection from `first + 1` rows fetched in order. */
export function toConnection<R, T>(
  rows: R[],
  first: number,
  totalCount: number,
  map: (row: R) => T,
  cursorOf: (row: R) => (string | number)[],
): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((row) => ({ cursor: encodeCursor(cursorOf(row)), node: map(row) }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}
