import { createHash } from 'node:crypto';
import { Role } from '@civgrid/auth';
import { TestService, startTestService } from '@civgrid/service-testing';
import { asGateway, gql, tokenFor } from '@civgrid/testing';
import { gridOrganisation } from '../src';

// What a careless or hostile caller gets from a subgraph reached directly, before any GraphQL work:
// a GraphQL-shaped JSON error with a code and a 4xx, never HTML, never a stack.
let svc: TestService;
let token: string;
beforeAll(async () => {
  svc = await startTestService(gridOrganisation, { label: 'edge' });
  token = await tokenFor(svc.keys, { roles: [Role.ADMIN] });
});
afterAll(() => svc?.stop());

async function raw(path: string, init: RequestInit): Promise<{ status: number; type: string; text: string; body: unknown }> {
  const res = await fetch(new URL(path, svc.url), init);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, body };
}

const codeOf = (body: unknown): unknown =>
  (body as { errors?: { extensions?: { code?: unknown } }[] } | undefined)?.errors?.[0]?.extensions?.code;

describe('error paths of a subgraph', () => {
  const personal = '{"query": "{ grids { totalCount } }", "variables": {"nationalId": "370911199001011234"';
  it.each([
    ['malformed JSON', '/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: personal }, 400, 'BAD_REQUEST'],
    [
      'a wrong content type',
      '/graphql',
      { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<q/>' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'an oversized body',
      '/graphql',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ grids { totalCount } }', x: 'x'.repeat(1_100_000) }),
      },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['an unknown path', '/nothing/here', { method: 'GET' }, 404, 'NOT_FOUND'],
    [
      'an unknown path with a body',
      '/nothing',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' },
      400,
      'BAD_REQUEST',
    ],
    [
      'a batch',
      '/graphql',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{"query":"{ __typename }"}]' },
      400,
      'BAD_REQUEST',
    ],
  ] as [string, string, RequestInit, number, string][])(
    'answers %s with JSON, a code and a 4xx',
    async (_label, path, init, status, code) => {
      const res = await raw(path, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });
      expect({ status: res.status, type: res.type, code: codeOf(res.body) }).toEqual({
        status,
        type: expect.stringMatching(/^application\/json/),
        code,
      });
      expect(res.text).not.toMatch(/<html|<pre|\bat \w+ \(|node_modules|370911199001011234/i);
    },
  );

  it('refuses a subscription with a 4xx and its own code', async () => {
    const res = await gql(svc.url, 'subscription { __typename }', {}, token);
    expect({ status: res.status, code: res.errors?.[0]?.extensions?.code }).toEqual({ status: 400, code: 'SUBSCRIPTIONS_NOT_SUPPORTED' });
  });

  it('refuses a persisted query whose hash does not match its text, as the client’s error', async () => {
    const query = '{ grids { totalCount } }';
    const send = (sha256Hash: string) =>
      raw('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } }),
      });
    const wrong = await send('0'.repeat(64));
    expect({ status: wrong.status, code: codeOf(wrong.body) }).toEqual({ status: 400, code: 'PERSISTED_QUERY_HASH_MISMATCH' });
    const right = await send(createHash('sha256').update(query).digest('hex'));
    expect(right.status).toBe(200);
  });
});

describe('limits of a subgraph', () => {
  const limit = async (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const res = await gql(svc.url, query, variables, token, headers);
    return { status: res.status, code: res.errors?.[0]?.extensions?.code, reason: res.errors?.[0]?.extensions?.reason };
  };

  it('refuses a fragment bomb of 30 doubling levels by its limit', async () => {
    let q = 'query { ...F0 }\n';
    for (let i = 0; i < 30; i++) q += `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }\n`;
    q += 'fragment F30 on Query { grids { totalCount } }\n';
    expect(await limit(q)).toEqual({ status: 400, code: 'QUERY_TOO_COMPLEX', reason: 'MAX_DUPLICATE_FIELDS' });
  });

  it('refuses depth, aliases and a page size passed in variables', async () => {
    const deep = `{ areas { edges { node { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } } }`;
    expect(await limit(deep)).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX', reason: 'MAX_DEPTH' });
    const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect(await limit(aliases)).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX', reason: 'MAX_ALIASES' });
    const paged = `query($n: Int!) { grids(first: $n) { edges { node { id name } } } }`;
    expect(await limit(paged, { n: 100_000 })).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX', reason: 'MAX_COST' });
    expect(await limit(paged, { n: 5 })).toMatchObject({ status: 200, code: undefined });
  });

  it('charges _entities by its representations, even for the gateway', async () => {
    const reps = Array.from({ length: 20_000 }, (_, i) => ({ __typename: 'Grid', id: String(i) }));
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Grid { id name code } } }`;
    expect(await limit(q, { r: reps }, asGateway(token))).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX', reason: 'MAX_COST' });
  });

  it('refuses an _entities batch naming a type it does not serve, and keeps serving', async () => {
    // Before: @apollo/subgraph threw for the stranger while the member lookup was under way, whose
    // rejection nobody awaited, and the process died (found by the fuzz tier).
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on GridMember { name } } }`;
    const r = [
      { __typename: 'GridMember', id: '7d5c3c1e-0000-4000-8000-000000000001' },
      { __typename: 'Nope', id: '7d5c3c1e-0000-4000-8000-000000000002' },
    ];
    expect(await limit(q, { r }, asGateway(token))).toEqual({ status: 400, code: 'BAD_USER_INPUT', reason: 'UNKNOWN_ENTITY_TYPE' });
    const literal = `{ _entities(representations: [{ __typename: "Nope", id: "x" }]) { __typename } }`;
    expect(await limit(literal, {}, asGateway(token))).toEqual({ status: 400, code: 'BAD_USER_INPUT', reason: 'UNKNOWN_ENTITY_TYPE' });
    expect(await limit(`{ grids { totalCount } }`)).toEqual({ status: 200, code: undefined, reason: undefined });
  });
});
