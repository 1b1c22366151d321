import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { isQueryBody, subgraphFetcher } from './subgraph-fetch';

// A subgraph that drops the connection of the first request it sees, as one does when the gateway
// writes to a pooled socket the subgraph has just closed.
let server: Server;
let url: string;
let seen = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
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
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
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
