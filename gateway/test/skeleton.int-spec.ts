import { Role } from '@civgrid/auth';
import { catalogue, GridEvents } from '@civgrid/contracts';
import { dataOf, gql, query, readTopic } from '@civgrid/testing';
import { createTree, registerDwellings, waitForReplica } from '../src/scenario';
import { startStack, Stack } from '../src/stack';

let stack: Stack;
let admin: string;
beforeAll(async () => {
  stack = await startStack('skeleton');
  admin = await stack.token({ roles: [Role.ADMIN] });
}, 120_000);
afterAll(() => stack?.stop());

const REPLICAS = ['population-registry', 'incident-reporting', 'dispute-mediation'];

describe('the walking skeleton through the gateway', () => {
  it('creates an area and a grid; rows, CloudEvents on Kafka and every replica follow', async () => {
    const tree = await createTree(stack.url, admin, 1);
    const gridId = tree.gridIds[0];
    const [row] = await query(stack.services['grid-organisation'].db.url, 'SELECT path::text AS path, status FROM grid WHERE id = $1', [
      gridId,
    ]);
    expect(row).toEqual({ path: `${tree.village.path}.T${tree.district.code.slice(0, 6)}`, status: 'ACTIVE' });

    const ids = [tree.district.id, tree.town.id, tree.village.id, gridId];
    const messages = await readTopic(stack.services['grid-organisation'].topic('grid'), (m) =>
      ids.every((id) => m.some((x) => x.key === id)),
    );
    for (const id of ids) {
      const event = messages.find((m) => m.key === id)!.value as {
        specversion: string;
        id: string;
        type: string;
        subject: string;
        time: string;
        data: unknown;
      };
      expect(event).toMatchObject({ specversion: '1.0', subject: id, source: '/civgrid/grid-organisation' });
      expect(Number.isNaN(Date.parse(event.time))).toBe(false);
      expect(() => catalogue.validate(event.type, event.data)).not.toThrow();
    }
    expect(messages.find((m) => m.key === gridId)!.value['type']).toBe(GridEvents.created);

    for (const service of REPLICAS) {
      await waitForReplica(stack, service, [gridId]);
      const [replica] = await query(
        stack.services[service].db.url,
        'SELECT path::text AS path, area_path::text AS "areaPath" FROM grid_replica WHERE id = $1',
        [gridId],
      );
      expect(replica).toEqual({ path: row['path'], areaPath: tree.village.path });
    }
  });

  it('answers a query that crosses subgraphs, resolving N grid references with one SQL statement', async () => {
    const tree = await createTree(stack.url, admin, 6);
    await waitForReplica(stack, 'population-registry', tree.gridIds);
    const dwellings = await registerDwellings(stack.url, admin, tree.gridIds, 2);

    const gridOrg = stack.services['grid-organisation'];
    const population = stack.services['population-registry'];
    // grid organisation → population (Grid.dwellings for 6 grids) → grid organisation (12 Grid references).
    await Promise.all([gridOrg.sql.record(), population.sql.record()]);
    const res = dataOf(
      await gql<{
        grids: {
          edges: {
            node: {
              id: string;
              dwellings: { edges: { node: { id: string; grid: { id: string; name: string; area: { name: string } } } }[] };
            };
          }[];
        };
      }>(
        stack.url,
        `query($p: String!) { grids(underPath: $p) { edges { node { id dwellings { edges { node { id grid { id name area { name } } } } } } } } }`,
        { p: tree.village.path },
        admin,
      ),
    );
    const [gridSql, populationSql] = await Promise.all([gridOrg.sql.stop(), population.sql.stop()]);
    const nodes = res.grids.edges.flatMap((g) => g.node.dwellings.edges.map((e) => ({ ...e.node, parent: g.node.id })));
    expect(nodes.map((n) => n.id).sort()).toEqual([...dwellings].sort());
    expect(nodes.every((n) => n.grid.id === n.parent && n.grid.area.name === '东湖社区')).toBe(true);
    // One statement for the 12 references, one for their areas, one for the 6 grids' dwellings.
    expect(gridSql.filter((s) => /FROM grid\b.*WHERE id = ANY/s.test(s))).toHaveLength(1);
    expect(gridSql.filter((s) => /FROM administrative_area\b/.test(s))).toHaveLength(1);
    expect(populationSql.filter((s) => /\bdwelling\b/.test(s))).toHaveLength(1);
  });

  it('merges identical queries of one caller in flight at once into one subgraph fetch, answers every caller, and never merges two callers', async () => {
    const tree = await createTree(stack.url, admin, 3);
    await waitForReplica(stack, 'population-registry', tree.gridIds);
    await registerDwellings(stack.url, admin, tree.gridIds, 1);
    const Q = `query($p: String!) { grids(underPath: $p) { edges { node { id dwellings { edges { node { id grid { name } } } } } } } }`;
    const gridOrg = stack.services['grid-organisation'];
    const population = stack.services['population-registry'];
    const ask = (token: string) => gql<{ grids: { edges: unknown[] } }>(stack.url, Q, { p: tree.village.path }, token);
    const count = async (work: () => Promise<unknown>) => {
      await Promise.all([gridOrg.sql.record(), population.sql.record()]);
      await work();
      const [g, p] = await Promise.all([gridOrg.sql.stop(), population.sql.stop()]);
      return { grids: g.filter((x) => /FROM grid\b/.test(x)).length, dwellings: p.filter((x) => /\bdwelling\b/.test(x)).length };
    };
    const one = await count(() => ask(admin));
    let answers: Awaited<ReturnType<typeof ask>>[] = [];
    const eight = await count(async () => {
      answers = await Promise.all(Array.from({ length: 8 }, () => ask(admin)));
    });
    for (const a of answers) expect(dataOf(a).grids.edges).toHaveLength(3);
    // Eight callers, fewer statements than eight: the fetches that overlapped were sent once (how
    // many overlap depends on timing; never all eight separately, since they are sent together).
    console.log(`8 identical concurrent queries: ${eight.grids / one.grids} grid and ${eight.dwellings / one.dwellings} dwelling fetches`);
    expect(eight.grids).toBeLessThan(8 * one.grids);
    expect(eight.dwellings).toBeLessThan(8 * one.dwellings);
    // Another caller's identical query is its own request.
    const other = await stack.token({ roles: [Role.ADMIN], sub: 'another-admin' });
    const two = await count(() => Promise.all([ask(admin), ask(other)]));
    expect(two).toEqual({ grids: one.grids * 2, dwellings: one.dwellings * 2 });
  });

  it('reaches all four subgraphs in one query', async () => {
    const tree = await createTree(stack.url, admin, 1);
    const gridId = tree.gridIds[0];
    for (const service of REPLICAS) await waitForReplica(stack, service, [gridId]);
    await registerDwellings(stack.url, admin, [gridId], 1);
    const res = dataOf(
      await gql<{
        grid: { name: string; dwellings: { totalCount: number }; incidents: { totalCount: number }; disputes: { totalCount: number } };
      }>(
        stack.url,
        `query($id: ID!) { grid(id: $id) { name dwellings { totalCount } incidents { totalCount } disputes { totalCount } } }`,
        { id: gridId },
        admin,
      ),
    );
    expect(res.grid).toEqual({ name: '总网格', dwellings: { totalCount: 1 }, incidents: { totalCount: 0 }, disputes: { totalCount: 0 } });
  });

  it('refuses a request without a valid token at the gateway, with no data', async () => {
    for (const token of [undefined, 'nonsense', await stack.token({ roles: [Role.ADMIN] }, -10)]) {
      const res = await gql(stack.url, `{ grids { totalCount } }`, {}, token);
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.data ?? null).toBeNull();
    }
  });

  it('refuses queries that are too deep or use too many aliases, before running them', async () => {
    const deep = `{ grids { edges { node { area { parent { parent { parent { parent { parent { parent { parent { name } } } } } } } } } } } }`;
    const deepRes = await gql(stack.url, deep, {}, admin);
    expect(deepRes.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', reason: 'MAX_DEPTH' });
    expect(deepRes.status).toBe(400);
    expect(deepRes.errors?.[0]?.message).toMatch(/levels deep/);
    const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: grids { totalCount }`).join(' ')} }`;
    const aliasRes = await gql(stack.url, aliases, {}, admin);
    expect(aliasRes.errors?.[0]?.message).toMatch(/aliases/);
  });

  it('gives a clear code for bad input through the gateway, never a 500', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [`query($id: ID!) { grid(id: $id) { id } }`, { id: 'nope' }, 'BAD_USER_INPUT'],
      [`query($id: ID!) { grid(id: $id) { id } }`, { id: '7d5c3c1e-0000-4000-8000-00000000abcd' }, 'NOT_FOUND'],
      [`query { grids(kind: GIANT) { totalCount } }`, {}, 'GRAPHQL_VALIDATION_FAILED'],
      [`query { grids(first: 100000) { edges { node { id } } } }`, {}, 'QUERY_TOO_COMPLEX'],
      [`query { grids(first: 500) { totalCount } }`, {}, 'BAD_USER_INPUT'],
      [`query { nothingHere }`, {}, 'GRAPHQL_VALIDATION_FAILED'],
    ];
    for (const [q, variables, code] of cases) {
      const res = await gql(stack.url, q, variables, admin);
      expect({ q, code: res.errors?.[0]?.extensions?.code }).toEqual({ q, code });
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res)).not.toMatch(/stacktrace|node_modules/);
    }
  });
});
