import { Role } from '@civgrid/auth';
import { catalogue, GridEvents } from '@civgrid/contracts';
import { query, readTopic, testDistrictCode } from '@civgrid/testing';
import { Stack, startStack } from '../src/stack';
import { GRID, gridFixtures, reasonOf } from './grid-fixtures';

let stack: Stack;
let make: ReturnType<typeof gridFixtures>;

beforeAll(async () => {
  stack = await startStack('grid-tree', {}, ['grid-organisation']);
  make = gridFixtures(stack);
});
afterAll(() => stack?.stop());

const db = () => stack.services['grid-organisation'].db.url;
const districtToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const counts = () =>
  query(
    db(),
    `SELECT (SELECT count(*) FROM administrative_area) AS areas, (SELECT count(*) FROM grid) AS grids, (SELECT count(*) FROM outbox) AS events`,
  );

describe('the administrative tree through the gateway', () => {
  it('answers by code, by path, children, descendants and the breadcrumb', async () => {
    const { district, town, village, total } = await make.tree();
    const other = await make.village(town, '粥店社区');
    const basic = await make.basic(village, total, ['1号楼']);
    const res = await make.ok<{
      areaByCode: { name: string; level: string; urban: boolean; children: { code: string }[]; parent: { code: string } };
      area: { ancestors: { name: string }[]; grids: { code: string; parentGrid: { code: string } | null }[] };
      areas: { totalCount: number; edges: { node: { code: string; level: string } }[] };
      grids: { totalCount: number; edges: { node: { code: string; area: { code: string }; coverage: { key: string }[] } }[] };
      gridByCode: { id: string; parentGrid: { id: string } };
      areaByPath: { id: string; level: string };
    }>(
      `query($code: String!, $village: ID!, $path: String!, $grid: String!, $villagePath: String!) {
         gridByCode(code: $grid) { id parentGrid { id } }
         areaByPath(path: $villagePath) { id level }
         areaByCode(code: $code) { name level urban parent { code } children { code } }
         area(id: $village) { ancestors { name } grids { code parentGrid { code } } }
         areas(underPath: $path) { totalCount edges { node { code level } } }
         grids(underPath: $path) { totalCount edges { node { code area { code } coverage { key } } } }
       }`,
      { code: town.code, village: village.id, path: district.path, grid: basic.code, villagePath: village.path },
    );
    expect(res.gridByCode).toEqual({ id: basic.id, parentGrid: { id: total.id } });
    expect(res.areaByPath).toEqual({ id: village.id, level: 'VILLAGE' });
    expect(res.areaByCode).toEqual({
      name: '天平街道',
      level: 'TOWN',
      urban: true,
      parent: { code: district.code },
      children: [{ code: village.code }, { code: other.code }],
    });
    expect(res.area.ancestors.map((a) => a.name)).toEqual(['岱岳区', '天平街道']);
    expect(res.area.grids).toEqual([
      { code: total.code, parentGrid: null },
      { code: basic.code, parentGrid: { code: total.code } },
    ]);
    expect(res.areas.edges.map((e) => [e.node.code, e.node.level])).toEqual([
      [district.code, 'DISTRICT'],
      [town.code, 'TOWN'],
      [village.code, 'VILLAGE'],
      [other.code, 'VILLAGE'],
    ]);
    expect(res.grids.totalCount).toBe(2);
    expect(res.grids.edges.map((e) => [e.node.code, e.node.area.code, e.node.coverage.map((c) => c.key)])).toEqual([
      [total.code, village.code, []],
      [basic.code, village.code, ['BUILDING:1号楼']],
    ]);
  });

  it('pages through all descendant grids of a district with a cursor, each exactly once', async () => {
    const { district, village, total } = await make.tree();
    for (let i = 0; i < 6; i++) await make.basic(village, total, [`${i}号楼`]);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: {
        grids: { totalCount: number; edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      } = await make.ok(
        `query($p: String!, $after: String) { grids(underPath: $p, first: 3, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
        { p: district.path, after },
      );
      expect(page.grids.totalCount).toBe(7);
      seen.push(...page.grids.edges.map((e) => e.node.id));
      after = page.grids.pageInfo.hasNextPage ? page.grids.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  it('refuses forged cursors and malformed path arguments with a clear reason, never a 500', async () => {
    const { district } = await make.tree();
    const forged = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
    const longLabel = `${district.path}.${'9'.repeat(1001)}`;
    const cases: [string, string, Record<string, unknown>, string][] = [
      [
        'areas, a cursor that is no path',
        `query($a: String) { areas(after: $a) { totalCount } }`,
        { a: forged(['not a path!']) },
        'INVALID_CURSOR',
      ],
      [
        'grids, a cursor with a huge label',
        `query($a: String) { grids(after: $a) { totalCount } }`,
        { a: forged(['9'.repeat(1001)]) },
        'INVALID_CURSOR',
      ],
      [
        'members, a cursor with a forged id',
        `query($a: String) { gridMembers(after: $a) { totalCount } }`,
        { a: forged([district.path, 'not-a-uuid']) },
        'INVALID_CURSOR',
      ],
      [
        'reshapes, a cursor with no moment',
        `query($a: String) { gridReshapes(after: $a) { totalCount } }`,
        { a: forged(['yesterday', '7d5c3c1e-0000-4000-8000-000000000000']) },
        'INVALID_CURSOR',
      ],
      ['areas under a huge label', `query($p: String) { areas(underPath: $p) { totalCount } }`, { p: longLabel }, 'MALFORMED_PATH'],
      ['grids under a huge label', `query($p: String) { grids(underPath: $p) { totalCount } }`, { p: longLabel }, 'MALFORMED_PATH'],
      [
        'members under two dots',
        `query($p: String) { gridMembers(underPath: $p) { totalCount } }`,
        { p: `${district.path}..1` },
        'MALFORMED_PATH',
      ],
      [
        'reshapes under a huge label',
        `query($p: String) { gridReshapes(underPath: $p) { totalCount } }`,
        { p: longLabel },
        'MALFORMED_PATH',
      ],
      ['departments under a name', `query($p: String) { departments(underPath: $p) { totalCount } }`, { p: '岱岳区' }, 'MALFORMED_PATH'],
      ['an area by a huge label', `query($p: String!) { areaByPath(path: $p) { id } }`, { p: longLabel }, 'MALFORMED_PATH'],
      ['health of a huge label', `query($p: String!) { gridHealth(areaPath: $p) { checkedAt } }`, { p: longLabel }, 'MALFORMED_PATH'],
    ];
    for (const [label, operation, variables, reason] of cases) {
      const res = await make.call(operation, variables);
      expect({ label, ...reasonOf(res) }).toEqual({ label, code: 'BAD_USER_INPUT', reason });
      expect(res.status).toBeLessThan(500);
    }
    // A well-formed path nobody has, or one outside the reader's areas, is simply not found.
    const elsewhere = await stack.token({ roles: [Role.TOWN_OFFICER], areas: [testDistrictCode()] });
    for (const token of [undefined, elsewhere]) {
      const missing = await make.call(
        `query($p: String!) { areaByPath(path: $p) { id } }`,
        { p: token ? district.path : `${district.path}.1` },
        token,
      );
      expect(reasonOf(missing)).toEqual({ code: 'NOT_FOUND', reason: 'AREA_NOT_FOUND' });
    }
    const refused = await make.call(`query($p: String) { grids(underPath: $p) { totalCount } }`, { p: longLabel });
    expect(refused.errors?.[0]?.message).toMatch(/underPath is not an area path.*longer than 1000/);
  });

  it('refuses areas and grids with invalid parents, levels and codes, with clear codes and nothing written', async () => {
    const { district, town, village, total } = await make.tree();
    const micro = await make.grid(village, { kind: 'MICRO', parentGridId: (await make.basic(village, total)).id });
    const before = await counts();
    const area = (input: Record<string, unknown>) =>
      make.call(`mutation($input: CreateAreaInput!) { createArea(input: $input) { id } }`, { input: { name: 'x', ...input } });
    const grid = (input: Record<string, unknown>) =>
      make.call(`mutation($input: CreateGridInput!) { createGrid(input: $input) { id } }`, { input: { name: 'x', ...input } });
    const square = [
      [
        [117.1, 36.2],
        [117.2, 36.2],
        [117.2, 36.3],
        [117.1, 36.3],
        [117.1, 36.2],
      ],
    ];
    const cases: [string, Promise<import('@civgrid/testing').GraphqlResponse<unknown>>, string, string][] = [
      ['a town code outside its district', area({ code: `999999001000`, parentId: district.id }), 'BAD_USER_INPUT', 'AREA_CODE_INVALID'],
      [
        'a village with a town-shaped code',
        area({ code: `${town.code.slice(0, 9)}000`, parentId: town.id }),
        'BAD_USER_INPUT',
        'AREA_CODE_INVALID',
      ],
      [
        'an area below a village',
        area({ code: `${village.code.slice(0, 9)}999`, parentId: village.id }),
        'BAD_USER_INPUT',
        'AREA_LEVEL_INVALID',
      ],
      ['an area code taken', area({ code: town.code, parentId: district.id }), 'CONFLICT', 'AREA_CODE_TAKEN'],
      [
        'an unknown parent area',
        area({ code: `${town.code.slice(0, 6)}998000`, parentId: '7d5c3c1e-0000-4000-8000-000000000000' }),
        'NOT_FOUND',
        'AREA_PARENT_NOT_FOUND',
      ],
      ['a grid under a town', grid({ code: make.code('A'), kind: 'TOTAL', areaId: town.id }), 'BAD_USER_INPUT', 'GRID_AREA_NOT_VILLAGE'],
      ['a second total grid', grid({ code: make.code('A'), kind: 'TOTAL', areaId: village.id }), 'CONFLICT', 'GRID_TOTAL_EXISTS'],
      [
        'a basic grid under a micro grid',
        grid({ code: make.code('A'), kind: 'BASIC', areaId: village.id, parentGridId: micro.id }),
        'BAD_USER_INPUT',
        'GRID_PARENT_KIND_INVALID',
      ],
      [
        'a basic grid without a parent',
        grid({ code: make.code('A'), kind: 'BASIC', areaId: village.id }),
        'BAD_USER_INPUT',
        'GRID_PARENT_REQUIRED',
      ],
      [
        'a grid code taken',
        grid({ code: total.code, kind: 'BASIC', areaId: village.id, parentGridId: total.id }),
        'CONFLICT',
        'GRID_CODE_TAKEN',
      ],
      [
        'a grid code with spaces',
        grid({ code: 'has space', kind: 'BASIC', areaId: village.id, parentGridId: total.id }),
        'BAD_USER_INPUT',
        'INVALID_INPUT',
      ],
      [
        'a building listed twice',
        grid({
          code: make.code('A'),
          kind: 'BASIC',
          areaId: village.id,
          parentGridId: total.id,
          coverage: [
            { kind: 'BUILDING', name: '3号楼' },
            { kind: 'BUILDING', name: ' 3号楼' },
          ],
        }),
        'BAD_USER_INPUT',
        'GRID_COVERAGE_REPEATED',
      ],
      [
        'an outline of more than 2,000 positions',
        grid({
          code: make.code('A'),
          kind: 'BASIC',
          areaId: village.id,
          parentGridId: total.id,
          boundary: {
            coordinates: [
              [
                ...Array.from({ length: 2000 }, (_, i) => [117 + Math.cos(i / 318.3) * 0.01, 36 + Math.sin(i / 318.3) * 0.01]),
                [117.01, 36],
              ],
            ],
          },
        }),
        'BAD_USER_INPUT',
        'GRID_BOUNDARY_INVALID',
      ],
      [
        'an open polygon',
        grid({
          code: make.code('A'),
          kind: 'BASIC',
          areaId: village.id,
          parentGridId: total.id,
          boundary: { coordinates: [square[0].slice(0, 4)] },
        }),
        'BAD_USER_INPUT',
        'GRID_BOUNDARY_INVALID',
      ],
    ];
    for (const [label, pending, code, reason] of cases) {
      const res = await pending;
      expect({ label, ...reasonOf(res) }).toEqual({ label, code, reason });
      expect(res.errors?.[0]?.message).toMatch(/\w{3,}/);
      expect(res.status).toBeLessThan(500);
    }
    expect(await counts()).toEqual(before);
  });

  it('changes a grid’s name, coverage and outline, and refuses retiring one that still has grids below', async () => {
    const { village, total } = await make.tree();
    const grid = await make.basic(village, total, ['1号楼']);
    const outline = [
      [
        [117.1, 36.2],
        [117.11, 36.2],
        [117.11, 36.21],
        [117.1, 36.21],
        [117.1, 36.2],
      ],
    ];
    const updated = await make.ok<{
      updateGrid: { name: string; coverage: { key: string }[]; boundary: { type: string; coordinates: number[][][] } };
    }>(`mutation($input: UpdateGridInput!) { updateGrid(input: $input) { name coverage { key } boundary { type coordinates } } }`, {
      input: {
        id: grid.id,
        name: '东区网格',
        coverage: [
          { kind: 'BUILDING', name: '1号楼' },
          { kind: 'STREET', name: '幸福路' },
        ],
        boundary: { coordinates: outline },
      },
    });
    expect(updated.updateGrid).toEqual({
      name: '东区网格',
      coverage: [{ key: 'BUILDING:1号楼' }, { key: 'STREET:幸福路' }],
      boundary: { type: 'Polygon', coordinates: outline },
    });
    const messages = await readTopic(stack.services['grid-organisation'].topic('grid'), (m) =>
      m.some((x) => x.key === grid.id && x.value['type'] === GridEvents.updated),
    );
    expect(messages.find((x) => x.key === grid.id && x.value['type'] === GridEvents.updated)!.value['data']).toMatchObject({
      gridId: grid.id,
      name: '东区网格',
      status: 'ACTIVE',
    });

    const refused = await make.call(`mutation($input: RetireGridInput!) { retireGrid(input: $input) { id } }`, {
      input: { id: total.id, reason: '撤并' },
    });
    expect(reasonOf(refused)).toEqual({ code: 'CONFLICT', reason: 'GRID_HAS_ACTIVE_CHILDREN' });
    const retired = await make.ok<{ retireGrid: { status: string; effectiveTo: string; retiredReason: string } }>(
      `mutation($input: RetireGridInput!) { retireGrid(input: $input) { status effectiveTo retiredReason } }`,
      {
        input: { id: grid.id, reason: '楼栋拆迁' },
      },
    );
    // The district's day (Asia/Shanghai), whatever the time zone of the machine or the database session.
    expect(retired.retireGrid).toEqual({ status: 'RETIRED', effectiveTo: districtToday(), retiredReason: '楼栋拆迁' });
    const retiredEvents = await readTopic(stack.services['grid-organisation'].topic('grid'), (m) =>
      m.some((x) => x.key === grid.id && x.value['type'] === GridEvents.retired),
    );
    const retiredData = retiredEvents.find((x) => x.key === grid.id && x.value['type'] === GridEvents.retired)!.value['data'];
    expect(retiredData).toMatchObject({ gridId: grid.id, status: 'RETIRED', reason: '楼栋拆迁' });
    expect(() => catalogue.validate(GridEvents.retired, retiredData)).not.toThrow();
    const again = await make.call(`mutation($input: UpdateGridInput!) { updateGrid(input: $input) { id } }`, {
      input: { id: grid.id, name: 'x' },
    });
    expect(reasonOf(again)).toEqual({ code: 'CONFLICT', reason: 'GRID_RETIRED' });
  });

  it('lets updateGrid only add coverage nobody else has: moving or dropping a building goes through the reshape operations', async () => {
    const { village, total } = await make.tree();
    const a = await make.basic(village, total, ['1号楼', '2号楼']);
    const b = await make.basic(village, total, ['3号楼']);
    const micro = await make.grid(village, { kind: 'MICRO', parentGridId: a.id });
    const update = (id: string, buildings: string[]) =>
      make.call<{ updateGrid: { coverage: { key: string }[] } }>(
        `mutation($input: UpdateGridInput!) { updateGrid(input: $input) { coverage { key } } }`,
        { input: { id, coverage: buildings.map((name) => ({ kind: 'BUILDING', name })) } },
      );
    const before = await counts();

    const taken = await update(b.id, ['3号楼', '2号楼']);
    expect(reasonOf(taken)).toEqual({ code: 'CONFLICT', reason: 'GRID_COVERAGE_TAKEN' });
    expect(taken.errors?.[0]?.message).toContain(`BUILDING:2号楼 (covered by grid ${a.code})`);
    expect(taken.errors?.[0]?.message).toContain('moveCoverage');
    const dropped = await update(a.id, ['1号楼']);
    expect(reasonOf(dropped)).toEqual({ code: 'CONFLICT', reason: 'GRID_COVERAGE_REMOVAL' });
    expect(dropped.errors?.[0]?.message).toMatch(/lose BUILDING:2号楼.*moveCoverage.*splitGrid or mergeGrids/);
    expect(await counts()).toEqual(before);

    // New buildings are fine, and so is a micro grid taking a building of its own basic grid.
    expect((await update(b.id, ['3号楼', '4号楼'])).data?.updateGrid.coverage).toEqual([
      { key: 'BUILDING:3号楼' },
      { key: 'BUILDING:4号楼' },
    ]);
    expect((await update(micro.id, ['2号楼'])).data?.updateGrid.coverage).toEqual([{ key: 'BUILDING:2号楼' }]);
    const now = await make.ok<{ a: { coverage: { key: string }[] } }>(`query($id: ID!) { a: grid(id: $id) { coverage { key } } }`, {
      id: a.id,
    });
    expect(now.a.coverage).toEqual([{ key: 'BUILDING:1号楼' }, { key: 'BUILDING:2号楼' }]);
  });

  it('renames an area, keeps its code and path, and tells other services', async () => {
    const { town } = await make.tree();
    const renamed = await make.ok<{ renameArea: { name: string; code: string; path: string } }>(
      `mutation($input: RenameAreaInput!) { renameArea(input: $input) { name code path } }`,
      { input: { id: town.id, name: '天平街道办事处' } },
    );
    expect(renamed.renameArea).toEqual({ name: '天平街道办事处', code: town.code, path: town.path });
    const messages = await readTopic(stack.services['grid-organisation'].topic('grid'), (m) =>
      m.some((x) => x.key === town.id && x.value['type'] === GridEvents.areaRenamed),
    );
    const event = messages.find((x) => x.key === town.id && x.value['type'] === GridEvents.areaRenamed)!;
    expect(event.value['data']).toEqual({
      areaId: town.id,
      code: town.code,
      path: town.path,
      name: '天平街道办事处',
      previousName: '天平街道',
    });
  });

  it('keeps a town officer to their own town: no reading, changing, reshaping or assigning in another', async () => {
    const district = await make.district();
    const townA = await make.town(district, '天平街道');
    const townB = await make.town(district, '粥店街道');
    const villageA = await make.village(townA);
    const villageB = await make.village(townB);
    const totalB = await make.grid(villageB);
    const basicB = await make.basic(villageB, totalB, ['1号楼', '2号楼']);
    const memberB = await make.member(villageB);
    const officerA = await stack.token({ roles: [Role.TOWN_OFFICER], areas: [townA.path], sub: 'officer-a' });
    const before = await counts();

    const attempts = {
      createGrid: make.call(
        `mutation($input: CreateGridInput!) { createGrid(input: $input) { id } }`,
        { input: { code: make.code('X'), name: 'x', kind: 'TOTAL', areaId: villageB.id } },
        officerA,
      ),
      updateGrid: make.call(
        `mutation($input: UpdateGridInput!) { updateGrid(input: $input) { id } }`,
        { input: { id: basicB.id, name: '改名' } },
        officerA,
      ),
      retireGrid: make.call(
        `mutation($input: RetireGridInput!) { retireGrid(input: $input) { id } }`,
        { input: { id: basicB.id, reason: '撤销' } },
        officerA,
      ),
      splitGrid: make.call(
        `mutation($input: SplitGridInput!) { splitGrid(input: $input) { id } }`,
        {
          input: {
            gridId: basicB.id,
            reason: '拆分',
            parts: [
              { code: make.code('S'), name: 'a', coverageKeys: ['BUILDING:1号楼'] },
              { code: make.code('S'), name: 'b', coverageKeys: ['BUILDING:2号楼'] },
            ],
          },
        },
        officerA,
      ),
      assignGridMember: make.assign(memberB.id, basicB.id, 'GRID_LEADER', officerA),
      renameArea: make.call(
        `mutation($input: RenameAreaInput!) { renameArea(input: $input) { id } }`,
        { input: { id: townB.id, name: '别人的街道' } },
        officerA,
      ),
    };
    // Another town's rows do not exist for this officer: the same answer as for an unknown id.
    const notFound: Record<string, string> = {
      createGrid: 'AREA_NOT_FOUND',
      updateGrid: 'GRID_NOT_FOUND',
      retireGrid: 'GRID_NOT_FOUND',
      splitGrid: 'GRID_NOT_FOUND',
      assignGridMember: 'GRID_NOT_FOUND',
      renameArea: 'AREA_NOT_FOUND',
    };
    for (const [name, pending] of Object.entries(attempts)) {
      expect({ name, ...reasonOf(await pending) }).toEqual({ name, code: 'NOT_FOUND', reason: notFound[name] });
    }
    expect(await counts()).toEqual(before);

    const read = await make.call<{ grid: unknown }>(`query($id: ID!) { grid(id: $id) { id } }`, { id: basicB.id }, officerA);
    expect(reasonOf(read)).toEqual({ code: 'NOT_FOUND', reason: 'GRID_NOT_FOUND' });
    const byCode = await make.call(`query($code: String!) { gridByCode(code: $code) { id } }`, { code: basicB.code }, officerA);
    expect(reasonOf(byCode)).toEqual({ code: 'NOT_FOUND', reason: 'GRID_NOT_FOUND' });
    const listed = await make.ok<{ grids: { totalCount: number }; gridMembers: { totalCount: number } }>(
      `query($p: String!) { grids(underPath: $p) { totalCount } gridMembers(underPath: $p) { totalCount } }`,
      { p: district.path },
      officerA,
    );
    expect(listed).toEqual({ grids: { totalCount: 0 }, gridMembers: { totalCount: 0 } });

    // In their own town the same officer may.
    const own = await make.ok<{ createGrid: { path: string } }>(
      `mutation($input: CreateGridInput!) { createGrid(input: $input) { ${GRID} } }`,
      { input: { code: make.code('T'), name: '总网格', kind: 'TOTAL', areaId: villageA.id } },
      officerA,
    );
    expect(own.createGrid.path.startsWith(`${villageA.path}.`)).toBe(true);
  });

  it('shows a town officer only their own town among the district’s children, and only their grids below', async () => {
    const district = await make.district();
    const townA = await make.town(district, '天平街道');
    const townB = await make.town(district, '粥店街道');
    const villageA = await make.village(townA);
    const villageB = await make.village(townB);
    const totalA = await make.grid(villageA);
    await make.grid(villageB);
    const officerA = await stack.token({ roles: [Role.TOWN_OFFICER], areas: [townA.path] });
    const seen = await make.ok<{
      area: { children: { code: string; children: { code: string; grids: { code: string; parentGrid: unknown }[] }[] }[] };
    }>(
      `query($id: ID!) { area(id: $id) { children { code children { code grids { code parentGrid { code } } } } } }`,
      { id: district.id },
      officerA,
    );
    expect(seen.area.children).toEqual([
      { code: townA.code, children: [{ code: villageA.code, grids: [{ code: totalA.code, parentGrid: null }] }] },
    ]);
    // The district officer still sees both towns.
    const all = await make.ok<{ area: { children: { code: string }[] } }>(`query($id: ID!) { area(id: $id) { children { code } } }`, {
      id: district.id,
    });
    expect(all.area.children.map((c) => c.code)).toEqual([townA.code, townB.code]);
    // Short lists are capped, never unbounded; the whole list pages with areas(underPath:).
    const capped = await make.ok<{ area: { children: { code: string }[] } }>(
      `query($id: ID!) { area(id: $id) { children(limit: 1) { code } } }`,
      { id: district.id },
    );
    expect(capped.area.children.map((c) => c.code)).toEqual([townA.code]);
    expect(reasonOf(await make.call(`query($id: ID!) { area(id: $id) { children(limit: 501) { code } } }`, { id: district.id }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_INPUT',
    });
  });

  it('lists departments for whistles and mediation, and refuses a district bureau from a town officer', async () => {
    const { district, town } = await make.tree();
    const created = await make.ok<{ createDepartment: { id: string; kind: string; areaPath: string } }>(
      `mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { id kind areaPath } }`,
      {
        input: {
          code: make.code('D'),
          name: '岱岳区住房和城乡建设局',
          kind: 'HOUSING_CONSTRUCTION_BUREAU',
          level: 'DISTRICT',
          areaId: district.id,
          contactPhone: '0538-8567890',
        },
      },
    );
    expect(created.createDepartment).toMatchObject({ kind: 'HOUSING_CONSTRUCTION_BUREAU', areaPath: district.path });
    const officer = await stack.token({ roles: [Role.TOWN_OFFICER], areas: [town.path] });
    const refused = await make.call(
      `mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { id } }`,
      { input: { code: make.code('D'), name: '岱岳区司法局', kind: 'JUDICIAL_BUREAU', level: 'DISTRICT', areaId: district.id } },
      officer,
    );
    expect(reasonOf(refused)).toEqual({ code: 'FORBIDDEN', reason: 'DEPARTMENT_DISTRICT_LEVEL' });
    const wrongLevel = await make.call(`mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { id } }`, {
      input: { code: make.code('D'), name: '司法所', kind: 'JUDICIAL_BUREAU', level: 'TOWN', areaId: district.id },
    });
    expect(reasonOf(wrongLevel)).toEqual({ code: 'BAD_USER_INPUT', reason: 'DEPARTMENT_LEVEL_INVALID' });
    const listed = await make.ok<{ departments: { edges: { node: { id: string } }[] } }>(
      `query($p: String!) { departments(underPath: $p, kind: HOUSING_CONSTRUCTION_BUREAU) { edges { node { id } } } }`,
      { p: district.path },
      officer,
    );
    expect(listed.departments.edges.map((e) => e.node.id)).toEqual([created.createDepartment.id]);
  });
});
