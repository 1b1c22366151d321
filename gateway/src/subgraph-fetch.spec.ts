import { createServer, RequestListener, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { isQueryBody, subgraphFetcher } from './subgraph-fetch';

/** A stand-in subgraph on a real port: the server and its /graphql URL. */
async function subgraph(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` };
}

// A subgraph that drops the connection of the first request it sees, as one does when the gateway
// writes to a pooled socket the subgraph has just closed.
let server: Server;
let url: string;
let seen = 0;
beforeAll(async () => {
  ({ server, url } = await subgraph((req, res) => {
    seen++;
    if (seen === 1) {
      req.socket.destroy();
      return;
    }
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { ok: seen } }));
    });
  }));
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => {
  seen = 0;
});

describe('the gateway’s subgraph fetcher', () => {
  const fetcher = subgraphFetcher({ idleSocketMs: 1000, timeoutMs: 5000 });
  afterAll(() => fetcher.close());
  const init = (query: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });

  it('sends a query again once when its socket is reset', async () => {
    const res = await fetcher(url, init('query Q__grid__0 { grids { totalCount } }'));
    expect(await res.json()).toEqual({ data: { ok: 2 } });
    expect(seen).toBe(2);
  });

  it('never sends a mutation twice', async () => {
    await expect(fetcher(url, init('mutation M { createArea(input: {}) { id } }'))).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(seen).toBe(1);
  });

  it('tells queries from mutations by the operation text', () => {
    expect(isQueryBody(JSON.stringify({ query: '{ a }' }))).toBe(true);
    expect(isQueryBody(JSON.stringify({ query: 'query X($r: [_Any!]!) { _entities(representations: $r) { __typename } }' }))).toBe(true);
    expect(isQueryBody(JSON.stringify({ query: 'mutation { a }' }))).toBe(false);
    expect(isQueryBody('not json')).toBe(false);
  });
});

describe('identical queries in flight', () => {
  // A subgraph that answers after 100 ms, so that concurrent requests overlap, and says who asked.
  let slow: Server;
  let slowUrl: string;
  let received = 0;
  beforeAll(async () => {
    ({ server: slow, url: slowUrl } = await subgraph((req, res) => {
      received++;
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () =>
        setTimeout(() => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ data: { who: req.headers.authorization ?? null, asked: JSON.parse(body) as unknown } }));
        }, 100),
      );
    }));
  });
  afterAll(() => new Promise((r) => slow.close(r)));
  beforeEach(() => {
    received = 0;
  });

  const merged = subgraphFetcher({ idleSocketMs: 1000, timeoutMs: 5000, mergeInFlight: true });
  const unmerged = subgraphFetcher({ idleSocketMs: 1000, timeoutMs: 5000 });
  afterAll(() => {
    merged.close();
    unmerged.close();
  });
  let n = 0;
  // As the gateway sends them: each with its own request id, trace and signed credential.
  const request = (query: string, authorization = 'Bearer a', variables: Record<string, unknown> = {}) => ({
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization,
      'x-request-id': `r-${++n}`,
      'x-civgrid-gateway': `${Date.now()}.${n}`,
      traceparent: `00-${String(n).padStart(32, '0')}-${String(n).padStart(16, '0')}-01`,
    },
    body: JSON.stringify({ query, variables }),
  });
  const Q = 'query Q__grid__0($id: ID!) { grid(id: $id) { name } }';

  it('sends ten identical concurrent queries of one caller once, and gives each caller the whole answer', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => merged(slowUrl, request(Q, 'Bearer a', { id: 1 }))));
    expect(received).toBe(1);
    const bodies = await Promise.all(answers.map((r) => r.json()));
    for (const body of bodies) expect(body).toEqual({ data: { who: 'Bearer a', asked: { query: Q, variables: { id: 1 } } } });
    expect(answers.every((r) => r.status === 200 && r.headers.get('content-type') === 'application/json')).toBe(true);
  });

  it('never merges across callers, across variables, mutations, or requests that do not overlap', async () => {
    await Promise.all([
      merged(slowUrl, request(Q, 'Bearer a', { id: 1 })),
      merged(slowUrl, request(Q, 'Bearer b', { id: 1 })),
      merged(slowUrl, request(Q, 'Bearer a', { id: 2 })),
    ]);
    expect(received).toBe(3);
    received = 0;
    const M = 'mutation M { createArea(input: {}) { id } }';
    await Promise.all(Array.from({ length: 4 }, () => merged(slowUrl, request(M))));
    expect(received).toBe(4);
    received = 0;
    for (let i = 0; i < 3; i++) await (await merged(slowUrl, request(Q, 'Bearer a', { id: 1 }))).json();
    expect(received).toBe(3); // merged while in flight only: nothing is cached
  });

  it('gives every merged caller the failure of a subgraph that drops the request, and sends the next one afresh', async () => {
    let dropped = 0;
    const { server: dropping, url: droppingUrl } = await subgraph((req) => {
      dropped++;
      setTimeout(() => req.socket.destroy(), 50);
    });
    try {
      const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => merged(droppingUrl, request(Q, 'Bearer a', { id: 1 }))));
      expect(outcomes.map((o) => o.status)).toEqual(Array(5).fill('rejected'));
      expect(dropped).toBe(2); // one request, and its one retry on a reset socket
      await expect(merged(droppingUrl, request(Q, 'Bearer a', { id: 1 }))).rejects.toThrow();
      expect(dropped).toBe(4); // not answered from the failed one
    } finally {
      await new Promise((r) => dropping.close(r));
    }
  });

  it('sends every request when merging is off (SUBGRAPH_MERGE_IN_FLIGHT=false)', async () => {
    await Promise.all(Array.from({ length: 5 }, () => unmerged(slowUrl, request(Q, 'Bearer a', { id: 1 }))));
    expect(received).toBe(5);
  });
});
