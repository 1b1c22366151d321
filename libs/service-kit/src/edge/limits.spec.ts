import { buildSchema, getIntrospectionQuery, getOperationAST, parse } from 'graphql';
import { signGatewayCredential, verifyGatewayCredential } from '@civgrid/auth';
import { DEFAULT_QUERY_LIMITS, LimitRefusal, measureOperation, PLAIN_LIST, QueryLimits, UNSTATED_PAGE } from './limits';

const schema = buildSchema(`
  type Query { grids(first: Int): GridConnection!  area(id: ID!): Area  pagedWithDefault(first: Int = 10): GridConnection!
    last(last: Int): GridConnection!  _entities(representations: [String!]!): [Grid]! }
  type GridConnection { totalCount: Int! edges: [GridEdge!]! }
  type GridEdge { node: Grid! }
  type Grid { id: ID! name: String! }
  type Area { id: ID! children: [Area!]! grids: [Grid!]! }
`);

const open: QueryLimits = {
  ...DEFAULT_QUERY_LIMITS,
  maxDepth: 1000,
  maxAliases: 1000,
  maxDirectives: 1000,
  maxDuplicateFields: Number.MAX_SAFE_INTEGER,
  maxCost: 1,
};

function measure(query: string, variables?: Record<string, unknown>, limits: QueryLimits = open): LimitRefusal | undefined {
  const document = parse(query);
  return measureOperation(schema, document, getOperationAST(document)!, variables, limits);
}

/** The cost an operation would be charged, read from the refusal of a limit just below it. */
const costOf = (query: string, variables?: Record<string, unknown>): number => {
  const r = measure(query, variables);
  return r?.reason === 'MAX_COST' ? r.actual! : 1;
};

describe('query cost', () => {
  it('charges a page by its size, and an unstated page as the default page', () => {
    expect(costOf(`{ grids(first: 100) { edges { node { id name } } } }`)).toBe(1 + 100 * (1 + 1 * (1 + 2)));
    expect(costOf(`{ grids { edges { node { id } } } }`)).toBe(1 + UNSTATED_PAGE * (1 + 1 * (1 + 1)));
    expect(costOf(`{ pagedWithDefault { totalCount } }`)).toBe(1 + 10 * 1);
    expect(costOf(`{ last(last: 7) { totalCount } }`)).toBe(1 + 7 * 1);
  });

  it('charges a page size given in variables at its real value, or the variable default', () => {
    const q = `query($n: Int) { grids(first: $n) { edges { node { id } } } }`;
    expect(costOf(q, { n: 10_000 })).toBe(costOf(`{ grids(first: 10000) { edges { node { id } } } }`));
    expect(costOf(q, { n: 10_000 })).toBe(1 + 10_000 * 3);
    expect(costOf(q, {})).toBe(1 + UNSTATED_PAGE * 3);
    expect(costOf(`query($n: Int = 3) { grids(first: $n) { totalCount } }`, {})).toBe(1 + 3);
    const refused = measure(q, { n: 100_000 }, DEFAULT_QUERY_LIMITS);
    expect(refused).toMatchObject({ reason: 'MAX_COST', limit: DEFAULT_QUERY_LIMITS.maxCost, actual: 1 + 100_000 * 3 });
  });

  it('charges _entities by the number of representations', () => {
    const q = `query($r: [String!]!) { _entities(representations: $r) { id name } }`;
    expect(costOf(q, { r: Array.from({ length: 5000 }, (_, i) => String(i)) })).toBe(1 + 5000 * 2);
  });

  it('charges plain lists, so nesting them cannot dodge the limit', () => {
    const nested = `{ area(id: "a") { children { children { children { grids { id } } } } } }`;
    expect(costOf(nested)).toBe(1 + (1 + PLAIN_LIST * (1 + PLAIN_LIST * (1 + PLAIN_LIST * (1 + PLAIN_LIST * 1)))));
    expect(measure(nested, {}, DEFAULT_QUERY_LIMITS)?.reason).toBe('MAX_COST');
  });

  it('follows fragments with the type they are on', () => {
    expect(costOf(`{ area(id: "a") { ...A } } fragment A on Area { grids { id } }`)).toBe(1 + (1 + PLAIN_LIST * 1));
  });
});

describe('the other limits', () => {
  it('refuses depth, aliases and directives over their limits, naming the limit', () => {
    const limits = { ...DEFAULT_QUERY_LIMITS, maxDepth: 3, maxAliases: 2, maxDirectives: 2 };
    expect(measure(`{ area(id: "a") { children { children { id } } } }`, {}, limits)).toMatchObject({ reason: 'MAX_DEPTH', actual: 4 });
    expect(measure(`{ area(id: "a") { children { id } } }`, {}, limits)).toBeUndefined();
    expect(measure(`{ a: area(id: "a") { id } b: area(id: "b") { id } c: area(id: "c") { id } }`, {}, limits)).toMatchObject({
      reason: 'MAX_ALIASES',
      actual: 3,
    });
    expect(
      measure(`{ area(id: "a") { id @skip(if: false) name: id @skip(if: false) x: id @include(if: true) } }`, {}, limits),
    ).toMatchObject({ reason: 'MAX_DIRECTIVES', actual: 3 });
  });

  it('counts depth, aliases and directives inside fragments each time they are spread', () => {
    const limits = { ...DEFAULT_QUERY_LIMITS, maxAliases: 3 };
    const q = `{ area(id: "a") { ...A ...A } } fragment A on Area { x: id y: id }`;
    expect(measure(q, {}, limits)).toMatchObject({ reason: 'MAX_ALIASES', actual: 4 });
  });

  it('lets the standard introspection query through, but not introspection nested without end', () => {
    expect(measure(getIntrospectionQuery(), {}, DEFAULT_QUERY_LIMITS)).toBeUndefined();
    const nested = `{ __type(name: "Area") { fields { type { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } } }`;
    expect(measure(nested, {}, DEFAULT_QUERY_LIMITS)).toMatchObject({ reason: 'MAX_DEPTH' });
  });

  it('refuses a fragment cycle instead of following it', () => {
    expect(measure(`{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }`)).toMatchObject({ reason: 'FRAGMENT_CYCLE' });
  });

  it('measures a fragment bomb of 30 doubling levels once per fragment and refuses it', () => {
    let q = 'query { ...F0 }\n';
    for (let i = 0; i < 30; i++) q += `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }\n`;
    q += 'fragment F30 on Query { grids(first: 1) { totalCount } }\n';
    // Without the repeated-field cap the cost shows the expanded size: 2^30 copies of the field.
    expect(measure(q)).toMatchObject({ reason: 'MAX_COST', actual: 2 ** 30 * 2 });
    expect(measure(q, {}, DEFAULT_QUERY_LIMITS)).toMatchObject({ reason: 'MAX_DUPLICATE_FIELDS' });
  });

  it('measures 2,500 chained fragments without running out of stack', () => {
    let q = 'query { ...F0 }\n';
    for (let i = 0; i < 2500; i++) q += `fragment F${i} on Query { ...F${i + 1} }\n`;
    q += 'fragment F2500 on Query { grids(first: 1) { totalCount } }\n';
    expect(measure(q, {}, DEFAULT_QUERY_LIMITS)).toBeUndefined();
  });
});

describe('the gateway credential', () => {
  const secret = 'x'.repeat(32);
  it('verifies for the same Authorization header and a fresh time only', () => {
    const now = Date.now();
    const c = signGatewayCredential(secret, 'Bearer a', now);
    expect(verifyGatewayCredential(secret, c, 'Bearer a', now)).toBe(true);
    expect(verifyGatewayCredential(secret, c, 'Bearer b', now)).toBe(false);
    expect(verifyGatewayCredential('y'.repeat(32), c, 'Bearer a', now)).toBe(false);
    expect(verifyGatewayCredential(secret, c, 'Bearer a', now + 120_000)).toBe(false);
    expect(verifyGatewayCredential(secret, c.slice(0, -2), 'Bearer a', now)).toBe(false);
    expect(verifyGatewayCredential(secret, undefined, 'Bearer a', now)).toBe(false);
  });
});
