import { Role } from '@civgrid/auth';
import { catalogue, GridEvents } from '@civgrid/contracts';
import { dataOf, gql, query, readTopic, tokenFor } from '@civgrid/testing';
import { startTestService, TestService } from '@civgrid/service-testing';
import { gridOrganisation } from '../src';
import { factories } from './factories';

let svc: TestService;
let make: ReturnType<typeof factories>;

beforeAll(async () => {
  svc = await startTestService(gridOrganisation);
  make = factories(svc.url, svc.keys);
});
afterAll(() => svc?.stop());

describe('administrative tree and grids', () => {
  it('creates an area tree and a grid, stores the rows and publishes valid CloudEvents keyed by id', async () => {
    const { district, town, village, total } = await make.tree();
    expect(village.path).toBe(`${district.code}.${town.code}.${village.code}`);
    expect(total.path).toBe(`${village.path}.${total.code}`);

    const rows = await query(svc.db.url, 'SELECT id, path::text AS path FROM grid WHERE id = $1', [total.id]);
    expect(rows).toEqual([{ id: total.id, path: total.path }]);

    const ids = [district.id, town.id, village.id, total.id];
    const messages = await readTopic(svc.topic('grid'), (m) => ids.every((id) => m.some((x) => x.key === id)));
    const gridEvent = messages.find((m) => m.key === total.id)!;
    expect(gridEvent.headers['content-type']).toContain('application/cloudevents+json');
    expect(gridEvent.value).toMatchObject({
      specversion: '1.0',
      type: GridEvents.created,
      source: '/civgrid/grid-organisation',
      subject: total.id,
      data: { gridId: total.id, path: total.path, areaPath: village.path, kind: 'TOTAL', status: 'ACTIVE' },
    });
    expect(() => catalogue.validate(GridEvents.created, gridEvent.value['data'])).not.toThrow();
    const areaTypes = messages.filter((m) => [district.id, town.id, village.id].includes(m.key!)).map((m) => m.value['type']);
    expect(areaTypes).toEqual([GridEvents.areaCreated, GridEvents.areaCreated, GridEvents.areaCreated]);
  });

  it('answers tree queries: children, ancestors (breadcrumb), descendants by path', async () => {
    const { district, town, village } = await make.tree();
    const admin = await make.adminToken();
    const res = dataOf(
      await gql<{
        area: { children: { id: string }[]; ancestors: { code: string }[] };
        areas: { totalCount: number; edges: { node: { code: string } }[] };
      }>(
        svc.url,
        `query($id: ID!, $path: String!) {
           area(id: $id) { children { id } ancestors { code } }
           areas(underPath: $path) { totalCount edges { node { code } } }
         }`,
        { id: town.id, path: district.path },
        admin,
      ),
    );
    expect(res.area.children.map((c) => c.id)).toEqual([village.id]);
    expect(res.area.ancestors.map((a) => a.code)).toEqual([district.code]);
    expect(res.areas.edges.map((e) => e.node.code)).toEqual([district.code, town.code, village.code]);
    expect(res.areas.totalCount).toBe(3);
  });

  it('refuses grids with invalid parents, levels or codes, with clear codes and nothing written', async () => {
    const { town, village, total } = await make.tree();
    const admin = await make.adminToken();
    const create = (input: Record<string, unknown>) =>
      gql(svc.url, `mutation($input: CreateGridInput!) { createGrid(input: $input) { id } }`, { input: { name: 'x', ...input } }, admin);
    const before = await query(svc.db.url, 'SELECT (SELECT count(*) FROM grid) AS grids, (SELECT count(*) FROM outbox) AS events');

    const cases: [Record<string, unknown>, string, string][] = [
      [{ code: 'A1', kind: 'BASIC', areaId: town.id, parentGridId: total.id }, 'BAD_USER_INPUT', 'GRID_AREA_NOT_VILLAGE'],
      [{ code: 'A2', kind: 'TOTAL', areaId: village.id }, 'CONFLICT', 'GRID_TOTAL_EXISTS'],
      [{ code: 'A3', kind: 'MICRO', areaId: village.id, parentGridId: total.id }, 'BAD_USER_INPUT', 'GRID_PARENT_KIND_INVALID'],
      [{ code: 'A4', kind: 'BASIC', areaId: village.id }, 'BAD_USER_INPUT', 'GRID_PARENT_REQUIRED'],
      [{ code: total.code, kind: 'BASIC', areaId: village.id, parentGridId: total.id }, 'CONFLICT', 'GRID_CODE_TAKEN'],
      [{ code: 'has space', kind: 'BASIC', areaId: village.id, parentGridId: total.id }, 'BAD_USER_INPUT', 'INVALID_INPUT'],
      [
        { code: 'A5', kind: 'BASIC', areaId: '7d5c3c1e-0000-4000-8000-000000000000', parentGridId: total.id },
        'NOT_FOUND',
        'AREA_NOT_FOUND',
      ],
    ];
    for (const [input, code, reason] of cases) {
      const res = await create(input);
      expect({ input, code: res.errors?.[0]?.extensions?.code, reason: res.errors?.[0]?.extensions?.reason }).toEqual({
        input,
        code,
        reason,
      });
      expect(res.errors?.[0]?.message).toMatch(/\w+/);
      expect(res.status).toBeLessThan(500);
    }
    const after = await query(svc.db.url, 'SELECT (SELECT count(*) FROM grid) AS grids, (SELECT count(*) FROM outbox) AS events');
    expect(after).toEqual(before);
  });

  it('refuses malformed ids, unknown enum values and over-long strings, never with a 500', async () => {
    const { village } = await make.tree();
    const admin = await make.adminToken();
    const malformedId = await gql(svc.url, `query { grid(id: "not-a-uuid") { id } }`, {}, admin);
    expect(malformedId.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const unknownId = await gql(svc.url, `query { grid(id: "7d5c3c1e-0000-4000-8000-000000000001") { id } }`, {}, admin);
    expect(unknownId.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'GRID_NOT_FOUND' });
    const badEnum = await gql(
      svc.url,
      `mutation($input: CreateGridInput!) { createGrid(input: $input) { id } }`,
      { input: { code: 'E1', name: 'x', kind: 'HUGE', areaId: village.id } },
      admin,
    );
    expect(badEnum.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const tooLong = await gql(
      svc.url,
      `mutation($input: CreateGridInput!) { createGrid(input: $input) { id } }`,
      { input: { code: 'E2', name: 'x'.repeat(201), kind: 'BASIC', areaId: village.id } },
      admin,
    );
    expect(tooLong.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(tooLong.errors?.[0]?.message).toContain('name');
    for (const res of [malformedId, unknownId, badEnum, tooLong]) {
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res.errors)).not.toMatch(/stack|at .*\.ts:/);
    }
  });

  it('keeps a town officer to their own town', async () => {
    const district = await make.district();
    const townA = await make.town(district, 'A');
    const townB = await make.town(district, 'B');
    const villageB = await make.village(townB);
    const officerA = await tokenFor(svc.keys, { roles: [Role.TOWN_OFFICER], areas: [townA.path] });
    const res = await gql(
      svc.url,
      `mutation($input: CreateGridInput!) { createGrid(input: $input) { id } }`,
      { input: { code: 'T1', name: 'x', kind: 'TOTAL', areaId: villageB.id } },
      officerA,
    );
    // Another town's village does not exist for this officer: the same answer as an unknown id.
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'AREA_NOT_FOUND' });
    const seen = dataOf(
      await gql<{ areas: { edges: { node: { code: string } }[] } }>(
        svc.url,
        `{ areas(first: 200) { edges { node { code } } } }`,
        {},
        officerA,
      ),
    );
    const codes = seen.areas.edges.map((e) => e.node.code);
    expect(codes).toEqual([district.code, townA.code]);
  });

  it('pages through grids with a cursor', async () => {
    const { village, total } = await make.tree();
    const basics = [];
    for (let i = 0; i < 5; i++) basics.push(await make.grid(village, 'BASIC', total.id));
    const admin = await make.adminToken();
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: {
        grids: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; totalCount: number };
      } = dataOf(
        await gql(
          svc.url,
          `query($p: String!, $after: String) { grids(underPath: $p, first: 2, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
          { p: village.path, after },
          admin,
        ),
      );
      expect(res.grids.totalCount).toBe(6);
      seen.push(...res.grids.edges.map((e) => e.node.id));
      if (!res.grids.pageInfo.hasNextPage) break;
      after = res.grids.pageInfo.endCursor;
    }
    expect(new Set(seen)).toEqual(new Set([total.id, ...basics.map((b) => b.id)]));
    expect(seen).toHaveLength(6);
  });
});
