import { createHash } from 'node:crypto';
import { Server } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Role } from '@civgrid/auth';
import { dataOf, gql, GraphqlResponse, TEST_AUDIENCE, TEST_DISTRICT_ROOTS, TEST_ISSUER } from '@civgrid/testing';
import { gatewayConfigSchema, SUBGRAPH_URL_ENV } from '../src/config';
import { createGateway, RunningGateway } from '../src/gateway';
import { createTree, waitForReplica } from '../src/scenario';
import { startStack, Stack } from '../src/stack';

// What a hostile or careless caller gets from the real gateway: refusals before any work, as
// GraphQL-shaped JSON with a code and a 4xx; and what many callers at once get: answers.
let stack: Stack;
let admin: string;
let gridId: string;
beforeAll(async () => {
  stack = await startStack('edge', {}, ['grid-organisation', 'population-registry', 'incident-reporting']);
  admin = await stack.token({ roles: [Role.ADMIN] });
  const tree = await createTree(stack.url, admin, 1);
  gridId = tree.gridIds[0];
  await waitForReplica(stack, 'population-registry', [gridId]);
  await waitForReplica(stack, 'incident-reporting', [gridId]);
}, 180_000);
afterAll(() => stack?.stop());

const CROSS = `query($id: ID!) { grid(id: $id) { name dwellings { totalCount } incidents { totalCount } } }`;

const bomb = (levels: number): string => {
  let q = 'query Bomb { ...F0 }\n';
  for (let i = 0; i < levels; i++) q += `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }\n`;
  return q + `fragment F${levels} on Query { grids(first: 1) { totalCount } }\n`;
};

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  let json: { errors?: { extensions?: { code?: string; reason?: string } }[] } | undefined;
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    json = undefined;
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, json, code: json?.errors?.[0]?.extensions?.code };
}

describe('limits at the gateway', () => {
  it('refuses a fragment bomb of 30 doubling levels by its limit while a concurrent request is answered', async () => {
    const times: number[] = [];
    for (let round = 0; round < 2; round++) {
      const started = performance.now();
      const [refused, normal] = await Promise.all([
        gql(stack.url, bomb(30), {}, admin).then((r) => {
          times.push(performance.now() - started);
          return r;
        }),
        gql<{ grid: { name: string } }>(stack.url, CROSS, { id: gridId }, admin),
      ]);
      expect({ status: refused.status, ...refused.errors?.[0]?.extensions }).toMatchObject({
        status: 400,
        code: 'QUERY_TOO_COMPLEX',
        reason: 'MAX_DUPLICATE_FIELDS',
      });
      expect(refused.data ?? null).toBeNull();
      expect(dataOf(normal).grid.name).toBe('总网格');
    }
    // A generous sanity bound only (the refusal by its limit is what is asserted): it took seconds before.
    expect(Math.max(...times)).toBeLessThan(1000);
    process.stdout.write(
      `fragment bomb (30 levels) refused through the gateway in ${times.map((t) => t.toFixed(1)).join(' ms, then ')} ms\n`,
    );
  });

  it('refuses a bomb through aliased fields (nothing repeated) by its limit', async () => {
    let q = 'query($id: ID!) { area(id: $id) { ...F0 } }\n';
    for (let i = 0; i < 30; i++) q += `fragment F${i} on AdministrativeArea { a: parent { ...F${i + 1} } b: parent { ...F${i + 1} } }\n`;
    q += 'fragment F30 on AdministrativeArea { id }\n';
    const res = await gql(stack.url, q, { id: gridId }, admin);
    expect({ status: res.status, ...res.errors?.[0]?.extensions }).toMatchObject({
      status: 400,
      code: 'QUERY_TOO_COMPLEX',
      reason: 'MAX_DEPTH',
    });
  });

  it('answers 2,500 chained fragments with a clear 4xx, not a 500', async () => {
    let q = 'query { ...F0 }\n';
    for (let i = 0; i < 2500; i++) q += `fragment F${i} on Query { ...F${i + 1} }\n`;
    q += 'fragment F2500 on Query { grids(first: 1) { totalCount } }\n';
    const res = await gql(stack.url, q, {}, admin);
    expect({ status: res.status, ...res.errors?.[0]?.extensions }).toMatchObject({
      status: 400,
      code: 'QUERY_TOO_COMPLEX',
      reason: 'MAX_CHARACTERS',
    });
  });

  it('costs a page size passed in variables at its value, as if it were written in the query', async () => {
    const q = `query($n: Int!) { grids(first: $n) { edges { node { id name households { totalCount } } } } }`;
    const literal = await gql(stack.url, q.replace('$n: Int!', '').replace('()', '').replace('$n', '100000'), {}, admin);
    const variable = await gql(stack.url, q, { n: 100_000 }, admin);
    for (const res of [literal, variable])
      expect({ status: res.status, ...res.errors?.[0]?.extensions }).toMatchObject({
        status: 400,
        code: 'QUERY_TOO_COMPLEX',
        reason: 'MAX_COST',
      });
    expect(variable.errors?.[0]?.message).toBe(literal.errors?.[0]?.message);
    const small = await gql<{ grids: { edges: unknown[] } }>(stack.url, q, { n: 5 }, admin);
    expect(dataOf(small).grids.edges.length).toBeGreaterThan(0);
  });

  it('refuses too many tokens or directives before parsing them all', async () => {
    const tokens = await gql(stack.url, `{ ${'a '.repeat(5000)}}`, {}, admin);
    expect({ status: tokens.status, ...tokens.errors?.[0]?.extensions }).toMatchObject({
      status: 400,
      code: 'QUERY_TOO_COMPLEX',
      reason: 'MAX_TOKENS',
    });
    const directives = await gql(stack.url, `{ __typename ${'@include(if: true) '.repeat(40)}}`, {}, admin);
    expect({ status: directives.status, ...directives.errors?.[0]?.extensions }).toMatchObject({
      status: 400,
      code: 'QUERY_TOO_COMPLEX',
      reason: 'MAX_DIRECTIVES',
    });
  });

  it('refuses a subscription with a 4xx and its own code', async () => {
    const res = await gql(stack.url, 'subscription { __typename }', {}, admin);
    expect({ status: res.status, code: res.errors?.[0]?.extensions?.code }).toEqual({ status: 400, code: 'SUBSCRIPTIONS_NOT_SUPPORTED' });
  });
});

describe('error paths of the gateway', () => {
  const personal = '{"query":"{ __typename }","variables":{"nationalId":"370911199001011234","phone":"13800138000"';
  it.each([
    ['malformed JSON', '/graphql', personal, { 'content-type': 'application/json' }, 400, 'BAD_REQUEST'],
    ['a wrong content type', '/graphql', 'query=1', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'an oversized body',
      '/graphql',
      JSON.stringify({ query: '{ __typename }', pad: 'x'.repeat(1_100_000) }),
      {},
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['an unknown path', '/nowhere', '{}', {}, 404, 'NOT_FOUND'],
    ['a batch', '/graphql', '[{"query":"{ __typename }"}]', {}, 400, 'BAD_REQUEST'],
  ])('answers %s with JSON, a code and a 4xx, no stack', async (_label, path, body, headers, status, code) => {
    const res = await post(new URL(path, stack.url).toString(), body, { authorization: `Bearer ${admin}`, ...headers });
    expect({ status: res.status, type: res.type, code: res.code }).toEqual({
      status,
      type: expect.stringMatching(/^application\/json/),
      code,
    });
    expect(res.text).not.toMatch(/<html|<pre|\bat \w+ \(|node_modules|370911199001011234/i);
  });

  it('answers a persisted query with a wrong hash as the client’s error, and one sent by hash alone when known', async () => {
    const query = '{ __typename }';
    const hash = createHash('sha256').update(query).digest('hex');
    const send = (body: unknown) => post(stack.url, JSON.stringify(body), { authorization: `Bearer ${admin}` });
    const wrong = await send({ query, extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } });
    expect({ status: wrong.status, code: wrong.code }).toEqual({ status: 400, code: 'PERSISTED_QUERY_HASH_MISMATCH' });
    const other = 'a'.repeat(64);
    const unknown = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: other } } });
    expect({ status: unknown.status, code: unknown.code }).toEqual({ status: 200, code: 'PERSISTED_QUERY_NOT_FOUND' });
    expect((await send({ query, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } })).status).toBe(200);
    const byHash = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect({ status: byHash.status, json: byHash.json }).toEqual({ status: 200, json: { data: { __typename: 'Query' } } });
  });
});

describe('a second gateway with rate limits and a log to read', () => {
  let gateway: RunningGateway;
  let server: Server;
  let url: string;
  const log: string[] = [];
  beforeAll(async () => {
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      PORT: '0',
      AUTH_ISSUER: TEST_ISSUER,
      AUTH_AUDIENCE: TEST_AUDIENCE,
      AUTH_PUBLIC_KEY: stack.keys.publicKeyPem,
      AUTH_DISTRICT_ROOT: TEST_DISTRICT_ROOTS.join(','),
      GATEWAY_SHARED_SECRET: 'a-secret-that-no-subgraph-knows-at-all',
      RATE_LIMIT_PRINCIPAL_PER_MINUTE: '60',
      RATE_LIMIT_PRINCIPAL_BURST: '5',
      RATE_LIMIT_ADDRESS_PER_MINUTE: '60',
      RATE_LIMIT_ADDRESS_BURST: '3',
    };
    for (const [name, svc] of Object.entries(stack.services)) env[SUBGRAPH_URL_ENV[name]] = svc.url;
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        log.push(chunk.toString());
        done();
      },
    });
    gateway = await createGateway(gatewayConfigSchema.parse(env), pino({ level: 'trace' }, sink));
    server = await new Promise((resolve) => {
      const s = gateway.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await gateway?.stop();
  });

  it('limits each principal, and callers without a token by address: 429, Retry-After, RATE_LIMITED', async () => {
    const a = await stack.token({ roles: [Role.ADMIN], sub: 'rate-a' });
    const b = await stack.token({ roles: [Role.ADMIN], sub: 'rate-b' });
    const send = async (token?: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      const body = (await res.json()) as GraphqlResponse<unknown>;
      return { status: res.status, retryAfter: res.headers.get('retry-after'), code: body.errors?.[0]?.extensions?.code };
    };
    const first = [];
    for (let i = 0; i < 8; i++) first.push(await send(a));
    expect(first.slice(0, 5).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(first.slice(5)).toEqual(Array(3).fill({ status: 429, retryAfter: expect.stringMatching(/^[1-9]\d*$/), code: 'RATE_LIMITED' }));
    // Another principal has its own bucket.
    expect((await send(b)).status).toBe(200);
    const anonymous = [];
    for (let i = 0; i < 5; i++) anonymous.push(await send());
    expect(anonymous.map((r) => r.status)).toEqual([401, 401, 401, 429, 429]);
    expect(anonymous[4]).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.stringMatching(/^[1-9]\d*$/) });
  });

  it('never writes a request body to the log', async () => {
    const token = await stack.token({ roles: [Role.ADMIN], sub: 'log-reader' });
    const res = await post(url, '{"query":"{ __typename }","variables":{"nationalId":"370911199001011234"', {
      authorization: `Bearer ${token}`,
    });
    expect(res.code).toBe('BAD_REQUEST');
    expect(log.join('')).not.toMatch(/370911199001011234/);
  });

  it('is refused by subgraphs: its credential is signed with a secret they do not hold', async () => {
    const token = await stack.token({ roles: [Role.ADMIN], sub: 'wrong-secret' });
    // The grid's dwellings come through _entities at the registry, which refuses the foreign credential.
    const res = await gql<{ grid: { name: string; dwellings: unknown } | null }>(url, CROSS, { id: gridId }, token);
    expect(res.data?.grid?.dwellings ?? null).toBeNull();
    expect(res.errors?.length).toBeGreaterThan(0);
  });
});

describe('bursts of concurrent cross-service queries', () => {
  it('answers repeated bursts of 200 with 0 INTERNAL_SERVER_ERROR', async () => {
    const codes: Record<string, number> = {};
    let answered = 0;
    for (let burst = 0; burst < 3; burst++) {
      const results = await Promise.all(
        Array.from({ length: 200 }, () => gql<{ grid: { name: string } }>(stack.url, CROSS, { id: gridId }, admin)),
      );
      for (const r of results) {
        if (r.data?.grid?.name === '总网格' && !r.errors) answered++;
        for (const e of r.errors ?? []) codes[String(e.extensions?.code)] = (codes[String(e.extensions?.code)] ?? 0) + 1;
      }
      // Idle between bursts, as sockets sit in the pool (the subgraphs' keep-alive outlasts the gateway's).
      await new Promise((r) => setTimeout(r, 1500));
    }
    process.stdout.write(`bursts: ${answered} of 600 answered, errors by code ${JSON.stringify(codes)}\n`);
    expect(codes).toEqual({});
    expect(answered).toBe(600);
  }, 120_000);
});
