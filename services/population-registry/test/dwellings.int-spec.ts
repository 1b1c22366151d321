import { randomUUID } from 'node:crypto';
import { Role } from '@civgrid/auth';
import { catalogue, PopulationEvents } from '@civgrid/contracts';
import { dataOf, eventually, gql, query, readTopic, tokenFor } from '@civgrid/testing';
import { startTestService, TestService } from '@civgrid/service-testing';
import { populationRegistry } from '../src';
import { DWELLING, factories, Grid } from './factories';

let svc: TestService;
let make: ReturnType<typeof factories>;

beforeAll(async () => {
  svc = await startTestService(populationRegistry);
  make = factories(svc);
});
afterAll(async () => {
  await make?.stop();
  await svc?.stop();
});

const replicaRow = (id: string) =>
  query(svc.db.url, `SELECT id, code, name, path::text AS path, area_path::text AS "areaPath", status FROM grid_replica WHERE id = $1`, [
    id,
  ]);
const counts = () =>
  query(svc.db.url, 'SELECT (SELECT count(*) FROM dwelling)::int AS dwellings, (SELECT count(*) FROM outbox)::int AS events');

describe('grid replica', () => {
  it('keeps grids from grid events, and applies a redelivered event only once', async () => {
    const data = make.gridData();
    const event = make.gridEvent(data);
    await make.publish(event);
    const [row] = await eventually(async () => {
      const rows = await replicaRow(data.gridId);
      return rows.length > 0 ? rows : undefined;
    });
    expect(row).toEqual({ id: data.gridId, code: data.code, name: data.name, path: data.path, areaPath: data.areaPath, status: 'ACTIVE' });

    // The same event id again, now claiming a newer state: only the inbox stands between it and the row.
    const redelivered = {
      ...event,
      time: new Date(Date.now() + 60_000).toISOString(),
      data: { ...data, name: 'renamed', status: 'RETIRED' as const },
    };
    await make.consumed(await make.publish(redelivered));
    expect(await replicaRow(data.gridId)).toEqual([row]);
    expect(await query(svc.db.url, 'SELECT count(*)::int AS n FROM inbox WHERE event_id = $1', [event.id])).toEqual([{ n: 1 }]);
  });
});

describe('dwellings', () => {
  it('registers a dwelling and publishes dwelling-registered with ids and codes only', async () => {
    const grid = await make.grid();
    const input = {
      gridId: grid.id,
      kind: 'APARTMENT',
      occupancy: 'RENTED',
      road: '东岳大街',
      building: '3号楼',
      unit: '2单元',
      room: '501室',
      addressText: '泰安市岱岳区粥店街道东湖社区东岳大街3号楼2单元501室',
    };
    const dwelling = dataOf(await make.register(input, await make.member(grid))).registerDwelling;
    const { gridId: _gridId, ...fields } = input;
    expect(dwelling).toMatchObject({ ...fields, houseNumber: null, grid: { id: grid.id } });
    expect(Date.parse(dwelling.createdAt)).not.toBeNaN();

    const rows = await query(svc.db.url, 'SELECT grid_id, kind::text, occupancy::text, room, address_text FROM dwelling WHERE id = $1', [
      dwelling.id,
    ]);
    expect(rows).toEqual([{ grid_id: grid.id, kind: 'APARTMENT', occupancy: 'RENTED', room: '501室', address_text: input.addressText }]);

    const messages = await readTopic(svc.topic('population'), (m) => m.some((x) => x.key === dwelling.id));
    const event = messages.find((m) => m.key === dwelling.id)!;
    expect(event.headers['content-type']).toContain('application/cloudevents+json');
    expect(event.value).toMatchObject({
      specversion: '1.0',
      type: PopulationEvents.dwellingRegistered,
      source: '/civgrid/population-registry',
      subject: dwelling.id,
    });
    expect(event.value['data']).toEqual({ dwellingId: dwelling.id, gridId: grid.id, kind: 'APARTMENT', occupancy: 'RENTED' });
    expect(() => catalogue.validate(PopulationEvents.dwellingRegistered, event.value['data'])).not.toThrow();
    const published = JSON.stringify(event.value);
    for (const part of [input.addressText, input.road, input.building, input.unit, input.room]) expect(published).not.toContain(part);
  });

  it('refuses unknown grids, bad input and grids out of reach, with clear codes and nothing written', async () => {
    const [grid, otherGrid, retired] = [await make.grid(), await make.grid(), await make.grid('RETIRED')];
    const admin = await make.adminToken();
    const memberOfOther = await make.member(otherGrid);
    // In the area of `grid`, but not looking after it.
    const memberInArea = await tokenFor(svc.keys, { roles: [Role.GRID_MEMBER], areas: [grid.areaPath], grids: [otherGrid.id] });
    const officerElsewhere = await tokenFor(svc.keys, {
      roles: [Role.TOWN_OFFICER],
      areas: [otherGrid.areaPath.split('.').slice(0, 2).join('.')],
    });
    const analyst = await tokenFor(svc.keys, { roles: [Role.ANALYST], areas: [grid.areaPath] });
    const valid = { gridId: grid.id, kind: 'RURAL_HOUSE', occupancy: 'OWNER_OCCUPIED', houseNumber: '12', addressText: '东湖村12号' };
    const before = await counts();

    const cases: [string, Record<string, unknown>, string, string, string | undefined][] = [
      ['unknown grid', { ...valid, gridId: randomUUID() }, admin, 'NOT_FOUND', 'GRID_NOT_FOUND'],
      ['malformed id', { ...valid, gridId: 'not-a-uuid' }, admin, 'BAD_USER_INPUT', 'INVALID_INPUT'],
      ['unknown enum', { ...valid, kind: 'CASTLE' }, admin, 'BAD_USER_INPUT', undefined],
      ['301-character address', { ...valid, addressText: '址'.repeat(301) }, admin, 'BAD_USER_INPUT', 'INVALID_INPUT'],
      ['empty road', { ...valid, road: '' }, admin, 'BAD_USER_INPUT', 'INVALID_INPUT'],
      // A grid out of reach does not exist for the caller: the same answer as an unknown one.
      ['grid member, grid of someone else', valid, memberOfOther, 'NOT_FOUND', 'GRID_NOT_FOUND'],
      ['grid member in the area, grid of someone else', valid, memberInArea, 'NOT_FOUND', 'GRID_NOT_FOUND'],
      ['officer of another town', valid, officerElsewhere, 'NOT_FOUND', 'GRID_NOT_FOUND'],
      ['analyst', valid, analyst, 'FORBIDDEN', 'ROLE_REQUIRED'],
      ['retired grid', { ...valid, gridId: retired.id }, admin, 'CONFLICT', 'GRID_NOT_ACTIVE'],
    ];
    for (const [name, input, token, code, reason] of cases) {
      const res = await make.register(input, token);
      expect({ name, code: res.errors?.[0]?.extensions?.code, reason: res.errors?.[0]?.extensions?.reason }).toEqual({
        name,
        code,
        reason,
      });
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res.errors)).not.toMatch(/stack|at .*\.ts:/);
    }
    const tooLong = await make.register({ ...valid, addressText: '址'.repeat(301) });
    expect(tooLong.errors?.[0]?.message).toContain('addressText');
    expect(await counts()).toEqual(before);
  });

  it('pages through a grid in registration order and keeps each reader to their grids', async () => {
    const [grid, otherGrid] = [await make.grid(), await make.grid()];
    const registered: string[] = [];
    for (let i = 0; i < 5; i++) registered.push((await make.dwelling(grid)).id);
    const member = await make.member(grid);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: {
        dwellings: { totalCount: number; edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      } = dataOf(
        await gql(
          svc.url,
          `query($g: ID!, $after: String) { dwellings(gridId: $g, first: 2, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
          { g: grid.id, after },
          member,
        ),
      );
      expect(res.dwellings.totalCount).toBe(5);
      seen.push(...res.dwellings.edges.map((e) => e.node.id));
      if (!res.dwellings.pageInfo.hasNextPage) break;
      after = res.dwellings.pageInfo.endCursor;
    }
    expect(seen).toEqual(registered);

    const one = dataOf(
      await gql<{ dwelling: { id: string; grid: { id: string } } }>(
        svc.url,
        `query($id: ID!) { dwelling(id: $id) { id grid { id } } }`,
        { id: registered[0] },
        member,
      ),
    );
    expect(one.dwelling).toEqual({ id: registered[0], grid: { id: grid.id } });

    const stranger = await make.member(otherGrid);
    const hidden = await gql(svc.url, `query($id: ID!) { dwelling(id: $id) { ${DWELLING} } }`, { id: registered[0] }, stranger);
    expect(hidden.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'DWELLING_NOT_FOUND' });
    const hiddenList = await gql(svc.url, `query($g: ID!) { dwellings(gridId: $g) { totalCount } }`, { g: grid.id }, stranger);
    expect(hiddenList.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'GRID_NOT_FOUND' });
    const badCursor = await gql(
      svc.url,
      `query($g: ID!) { dwellings(gridId: $g, after: "bm90LWEtY3Vyc29y") { totalCount } }`,
      { g: grid.id },
      member,
    );
    expect(badCursor.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR' });
  });

  it('resolves Grid.dwellings for five grid references with one SQL statement, within the reader scope', async () => {
    const grids: Grid[] = [];
    for (let i = 0; i < 5; i++) grids.push(await make.grid());
    const expected = new Map<string, string[]>();
    for (const [i, grid] of grids.entries()) {
      const ids: string[] = [];
      for (let n = 0; n < i; n++) ids.push((await make.dwelling(grid)).id);
      expected.set(grid.id, ids);
    }
    type Entities = {
      _entities: { id: string; dwellings: { totalCount: number; edges: { node: { id: string; grid: { id: string } } }[] } }[];
    };
    const entities = async (token: string) =>
      dataOf(
        await gql<Entities>(
          svc.url,
          `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Grid { id dwellings(first: 10) { totalCount edges { node { id grid { id } } } } } } }`,
          { reps: grids.map((g) => ({ __typename: 'Grid', id: g.id })) },
          token,
        ),
      )._entities;

    svc.sql.record();
    const all = await entities(await make.adminToken());
    const statements = svc.sql.stop().filter((s) => /dwelling/i.test(s));
    expect(statements).toHaveLength(1);
    expect(all.map((g) => g.id)).toEqual(grids.map((g) => g.id));
    for (const g of all) {
      expect(g.dwellings.totalCount).toBe(expected.get(g.id)!.length);
      expect(g.dwellings.edges.map((e) => e.node.id)).toEqual(expected.get(g.id));
      for (const e of g.dwellings.edges) expect(e.node.grid.id).toBe(g.id);
    }

    // A grid member sees the dwellings of their own grid and nothing of the others.
    const mine = await entities(await make.member(grids[4]));
    expect(mine.map((g) => g.dwellings.totalCount)).toEqual([0, 0, 0, 0, 4]);
    expect(mine[4].dwellings.edges.map((e) => e.node.id)).toEqual(expected.get(grids[4].id));

    const tooMany = await gql(
      svc.url,
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Grid { dwellings(first: 500) { totalCount } } } }`,
      { reps: [{ __typename: 'Grid', id: grids[0].id }] },
      await make.adminToken(),
    );
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
