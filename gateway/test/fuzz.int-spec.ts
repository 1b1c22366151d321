import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLSchema,
  IntrospectionQuery,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
} from 'graphql';
import { Role } from '@civgrid/auth';
import { asGateway, dataOf, gql } from '@civgrid/testing';
import { createTree, waitForReplica } from '../src/scenario';
import { startStack, Stack } from '../src/stack';

// The fuzz tier: schema-driven random operations, and malformed ones, through the gateway and
// straight at one subgraph. Whatever comes in: no 5xx, every error has a code, never
// INTERNAL_SERVER_ERROR, no stack or SQL text, no answer slower than 2 s.
const FIXED_SEED = 20_261_202;
const RANDOM_SEED = Date.now() % 2_147_483_647;
const BATCH = 4; // operations sent at once per property run
const RUNS = { gateway: 175, subgraph: 100 }; // per seed: (175 + 100) × 4 × 2 seeds = 2,200 operations

let stack: Stack;
let schemas: { gateway: GraphQLSchema; subgraph: GraphQLSchema };
let tokens: (string | undefined)[];
let ids: string[];
const stats = {
  operations: 0,
  status5xx: 0,
  maxMs: 0,
  slowRetried: 0,
  byCode: {} as Record<string, number>,
  byStatus: {} as Record<string, number>,
};
const violations: string[] = [];

beforeAll(async () => {
  stack = await startStack('fuzz');
  const admin = await stack.token({ roles: [Role.ADMIN] });
  const tree = await createTree(stack.url, admin, 2);
  await waitForReplica(stack, 'population-registry', tree.gridIds);
  const introspect = async (url: string, headers: Record<string, string> = {}) =>
    buildClientSchema(dataOf(await gql<IntrospectionQuery>(url, getIntrospectionQuery(), {}, admin, headers)));
  schemas = { gateway: await introspect(stack.url), subgraph: await introspect(stack.services['grid-organisation'].url) };
  ids = [
    tree.district.id,
    tree.town.id,
    tree.village.id,
    ...tree.gridIds,
    randomUUID(),
    'nope',
    '',
    '00000000-0000-0000-0000-000000000000',
  ];
  tokens = [
    admin,
    admin,
    admin,
    await stack.token({ roles: [Role.GRID_MEMBER], areas: [tree.village.path], grids: [tree.gridIds[0]] }),
    await stack.token({ roles: [Role.ANALYST], areas: [tree.district.path] }),
    await stack.token({ roles: [Role.DISTRICT_OFFICER], areas: [tree.district.path] }),
    undefined,
    'not.a.token',
  ];
  process.stdout.write(`fuzz seeds: fixed ${FIXED_SEED}, random ${RANDOM_SEED} (FUZZ_SEED=<n> to replay one)\n`);
}, 180_000);
afterAll(async () => {
  process.stdout.write(
    `fuzz: ${stats.operations} operations, ${stats.status5xx} HTTP 5xx, max ${stats.maxMs.toFixed(0)} ms (${stats.slowRetried} over 2 s sent again); statuses ${JSON.stringify(stats.byStatus)}; codes ${JSON.stringify(stats.byCode)}\n`,
  );
  await stack?.stop();
});

// fast-check draws the seed of each request; the choices inside come from a uniform generator on
// it (fast-check's own numbers lean to the extremes, which made nearly every literal a wrong one).
type Gen = () => number;
function mulberry32(seed: number): Gen {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const nat = (g: Gen, max: number): number => Math.floor(g() * (max + 1));
const pick = <T>(g: Gen, items: readonly T[]): T => items[nat(g, items.length - 1)];
const chance = (g: Gen, p: number): boolean => g() < p;

const STRINGS = [
  '',
  'x',
  "' OR 1=1 --",
  '"; DROP TABLE grid; --',
  '370911199001011234',
  '37091119900101123X',
  '13800138000',
  '王秀英',
  '总网格',
  'a'.repeat(300),
  '\u0000',
  '\uD800',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '370911000000',
  '370911000000.370911001000',
  '*.*{1,}',
  'T370911',
  '2024-02-30T25:61:00Z',
  '2026-01-01T08:00:00.000Z',
  '{"type":"Polygon","coordinates":[]}',
  '9'.repeat(40),
  '-1',
  'null',
];
const INTS = [0, 1, -1, 2, 5, 10, 50, 100, 200, 201, 500, 2147483647, -2147483648, 99999];

function str(g: Gen): string {
  if (!chance(g, 0.2)) return pick(g, STRINGS);
  return String.fromCodePoint(...Array.from({ length: nat(g, 20) }, () => (chance(g, 0.5) ? 0x20 + nat(g, 0x5e) : 0xa0 + nat(g, 0x1ff00))));
}

/** A GraphQL literal of an input type, mostly well-typed, sometimes not. */
function literal(type: GraphQLInputType, g: Gen, depth: number): string {
  if (isNonNullType(type)) return literal(type.ofType, g, depth);
  // A wrong type now and then, at the top only: deeper, most operations would never pass validation.
  if (depth === 0 && chance(g, 0.04)) return pick(g, ['null', '"wrong type"', '42', '[]', '{}', 'true']);
  if (isListType(type)) {
    const n = nat(g, 3);
    return `[${Array.from({ length: n }, () => literal(type.ofType, g, depth + 1)).join(', ')}]`;
  }
  if (isEnumType(type)) return chance(g, 0.93) ? pick(g, type.getValues()).name : 'NOT_A_VALUE';
  if (isInputObjectType(type)) {
    if (depth > 3) return '{}';
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type) || chance(g, 0.4));
    return `{ ${fields.map((f) => `${f.name}: ${literal(f.type, g, depth + 1)}`).join(', ')} }`;
  }
  switch (type.name) {
    case 'Int':
      return String(chance(g, 0.8) ? pick(g, INTS) : Math.floor((g() - 0.5) * 2 ** 32));
    case 'Float':
      return String(pick(g, [0, 1.5, -90.1, 36.2, 117.1, 1e300]));
    case 'Boolean':
      return pick(g, ['true', 'false']);
    case 'ID':
      return JSON.stringify(chance(g, 0.85) ? pick(g, ids) : str(g));
    case '_Any':
      return `{ __typename: ${JSON.stringify(pick(g, ['Grid', 'AdministrativeArea', 'Department', 'GridMember', 'Nope']))}, id: ${JSON.stringify(pick(g, ids))} }`;
    default:
      return JSON.stringify(str(g));
  }
}

function args(field: GraphQLField<unknown, unknown>, g: Gen): string {
  const chosen = field.args.filter((a) => (isNonNullType(a.type) && a.defaultValue === undefined) || chance(g, 0.3));
  return chosen.length ? `(${chosen.map((a) => `${a.name}: ${literal(a.type, g, 0)}`).join(', ')})` : '';
}

let nextAlias = 0;

/** A selection set of a composite type: a few fields, sometimes aliased, sometimes through fragments. */
function selection(type: GraphQLNamedType, g: Gen, depth: number): string {
  if (isUnionType(type)) {
    const members = type.getTypes();
    return `{ __typename ${members
      .filter(() => chance(g, 0.5))
      .map((m) => `... on ${m.name} ${selection(m, g, depth + 1)}`)
      .join(' ')} }`;
  }
  if (!isObjectType(type) && !isInterfaceType(type)) return '';
  const fields = Object.values(type.getFields());
  const count = 1 + nat(g, 2);
  const parts: string[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < count; i++) {
    const field = pick(g, fields);
    // The same field twice with other arguments is a conflict validation refuses: once each.
    if (taken.has(field.name)) continue;
    taken.add(field.name);
    const inner = getNamedType(field.type);
    const alias = chance(g, 0.1) ? `a${nextAlias++}: ` : '';
    if (isLeafType(inner)) parts.push(`${alias}${field.name}${args(field, g)}`);
    else if (depth >= 4) parts.push('__typename');
    else parts.push(`${alias}${field.name}${args(field, g)} ${selection(inner, g, depth + 1)}`);
  }
  if (chance(g, 0.05)) parts.push('__typename @include(if: true)');
  return `{ ${parts.join(' ')} }`;
}

function operation(schema: GraphQLSchema, g: Gen): string {
  const mutation = schema.getMutationType();
  const root = mutation && chance(g, 0.3) ? mutation : schema.getQueryType()!;
  return `${root === mutation ? 'mutation' : 'query'} Fuzz ${selection(root, g, 0)}`;
}

/** Breaks a query's text the way a careless client or an attacker would. */
function malformed(text: string, g: Gen): string {
  switch (nat(g, 5)) {
    case 0:
      return text.slice(0, nat(g, text.length));
    case 1: {
      const at = nat(g, text.length);
      return (
        text.slice(0, at) + pick(g, ['{', '}', '(', ')', '[', ':', '$', '@', '!', '"', '\\', '#', '...', '&', '\u0000']) + text.slice(at)
      );
    }
    case 2:
      return text.replace(/\b[a-z]\w+/, pick(g, ['nothingHere', '__schema', '__type', '_entities', '_service']));
    case 3:
      return `${text} ${text}`;
    case 4:
      return `subscription { __typename }`;
    default:
      return `${'{'.repeat(nat(g, 60))}${text}`;
  }
}

interface Request {
  body: string;
  token: string | undefined;
  asGateway: boolean;
}

function request(target: 'gateway' | 'subgraph', g: Gen): Request {
  const token = pick(g, tokens);
  const query = operation(schemas[target], g);
  const kind = nat(g, 9);
  let body: string;
  if (kind <= 6) body = JSON.stringify({ query });
  else if (kind === 7) body = JSON.stringify({ query: malformed(query, g) });
  else if (kind === 8)
    body = pick(g, [
      JSON.stringify({ query, variables: 'nope' }),
      JSON.stringify({ query, operationName: 'Other' }),
      JSON.stringify({ query: 42 }),
      JSON.stringify({ query: '' }),
      JSON.stringify({}),
      JSON.stringify([{ query }]),
      JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }),
      JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'e'.repeat(64) } } }),
      'null',
      '"a string"',
    ]);
  else body = JSON.stringify({ query }).slice(0, nat(g, 40));
  return { body, token, asGateway: target === 'subgraph' && chance(g, 0.5) };
}

const LEAK =
  /\bat [\w.<>$]+ \(|node_modules|\/src\/|\.[jt]s:\d+:\d+|QueryFailedError|TypeORM|\bSELECT\b[\s\S]{1,80}\bFROM\b|INSERT INTO|syntax error at or near|violates [\w ]+ constraint|duplicate key value/i;

async function send(target: 'gateway' | 'subgraph', r: Request): Promise<void> {
  const url = target === 'gateway' ? stack.url : stack.services['grid-organisation'].url;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (r.token) headers['authorization'] = `Bearer ${r.token}`;
  if (r.asGateway) Object.assign(headers, asGateway(r.token));
  const started = performance.now();
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { method: 'POST', headers, body: r.body });
    text = await res.text();
  } catch (error) {
    stats.operations++;
    const alive = await fetch(new URL('/health/live', url)).then(
      (h) => h.status,
      () => 'down',
    );
    violations.push(
      `${target} no answer (${String((error as Error).cause ?? error)}; the server is then ${alive})\n  request: ${r.body.slice(0, 600)}`,
    );
    return;
  }
  const ms = performance.now() - started;
  stats.operations++;
  stats.maxMs = Math.max(stats.maxMs, ms);
  stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
  const problems: string[] = [];
  if (res.status >= 500) {
    stats.status5xx++;
    problems.push(`HTTP ${res.status}`);
  }
  if (ms > 2000) {
    // A slow path is slow again; two cores shared with the other suites are not: sent once more, alone.
    const again = performance.now();
    await fetch(url, { method: 'POST', headers, body: r.body }).then((x) => x.text());
    const retried = performance.now() - again;
    stats.slowRetried++;
    if (retried > 2000) problems.push(`${ms.toFixed(0)} ms, then ${retried.toFixed(0)} ms`);
  }
  let json: { errors?: { message?: unknown; extensions?: { code?: unknown } }[] } | undefined;
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    problems.push('not JSON');
  }
  for (const e of json?.errors ?? []) {
    const code = e.extensions?.code;
    stats.byCode[String(code)] = (stats.byCode[String(code)] ?? 0) + 1;
    if (typeof code !== 'string') problems.push(`an error without a code: ${String(e.message)}`);
    else if (code === 'INTERNAL_SERVER_ERROR') problems.push(`INTERNAL_SERVER_ERROR: ${String(e.message)}`);
  }
  if (LEAK.test(text)) problems.push(`leaks internals: ${LEAK.exec(text)?.[0]}`);
  if (problems.length)
    violations.push(`${target} ${problems.join('; ')}\n  request: ${r.body.slice(0, 600)}\n  answer: ${text.slice(0, 400)}`);
}

const replay = process.env['FUZZ_SEED'];
describe.each(['gateway', 'subgraph'] as const)('fuzzing %s', (target) => {
  it.each(replay ? [Number(replay)] : [FIXED_SEED, RANDOM_SEED])(
    'answers schema-driven random and malformed operations (seed %i) with codes, 4xx and no internals',
    async (seed) => {
      const before = violations.length;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer(), { minLength: BATCH, maxLength: BATCH }), async (seeds) => {
          const batch = seeds.map((s) => request(target, mulberry32(s)));
          await Promise.all(batch.map((r) => send(target, r)));
          return true;
        }),
        { seed, numRuns: RUNS[target], endOnFailure: true },
      );
      const mine = violations.slice(before);
      expect({ seed, violations: mine.length, first: mine.slice(0, 5) }).toEqual({ seed, violations: 0, first: [] });
    },
    300_000,
  );
});
