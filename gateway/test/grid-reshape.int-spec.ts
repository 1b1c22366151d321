import { catalogue, GridEvents } from '@civgrid/contracts';
import { query, readTopic, ReceivedMessage } from '@civgrid/testing';
import { Stack, startStack } from '../src/stack';
import { gridFixtures, reasonOf } from './grid-fixtures';

let stack: Stack;
let make: ReturnType<typeof gridFixtures>;

beforeAll(async () => {
  stack = await startStack('grid-reshape', {}, ['grid-organisation']);
  make = gridFixtures(stack);
});
afterAll(() => stack?.stop());

const db = () => stack.services['grid-organisation'].db.url;
const topic = () => stack.services['grid-organisation'].topic('grid');
// Effective dates are the district's day (Asia/Shanghai), from the database's clock.
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

interface Reshape {
  id: string;
  kind: string;
  reason: string;
  fromGrids: { id: string; code: string; status: string; effectiveTo: string | null }[];
  toGrids: { id: string; code: string; status: string; coverage: { key: string }[] }[];
  items: Page<{ key: string; fromGrid: { code: string }; toGrid: { code: string } }>;
}
interface Page<T> {
  totalCount: number;
  edges: { node: T }[];
}
const nodes = <T>(page: Page<T>): T[] => page.edges.map((e) => e.node);
const RESHAPE = `id kind reason fromGrids { id code status effectiveTo } toGrids { id code status coverage { key } }
  items { totalCount edges { node { key fromGrid { code } toGrid { code } } } }`;

const ofType = (messages: ReceivedMessage[], type: string) => messages.filter((m) => m.value['type'] === type);
const has = (messages: ReceivedMessage[], key: string, type: string) => messages.some((m) => m.key === key && m.value['type'] === type);
const reshapedFor = (messages: ReceivedMessage[], id: string) =>
  ofType(messages, GridEvents.reshaped).filter((m) => (m.value['data'] as { reshapeId: string }).reshapeId === id);

describe('reshaping grids through the gateway', () => {
  it('splits a grid: the old one retired with its history, every building mapped in one event on Kafka', async () => {
    const { village, total } = await make.tree();
    const old = await make.basic(village, total, ['1号楼', '2号楼', '3号楼', '4号楼']);
    const micro = await make.grid(village, { kind: 'MICRO', parentGridId: old.id, coverage: [{ kind: 'COURTYARD', name: '1号院' }] });
    const oldLeader = await make.member(village);
    const newLeader = await make.member(village);
    await make.ok(`mutation($input: AssignGridMemberInput!) { assignGridMember(input: $input) { id } }`, {
      input: { memberId: oldLeader.id, gridId: old.id, role: 'GRID_LEADER' },
    });
    const [a, b] = [make.code('SA'), make.code('SB')];

    const { splitGrid } = await make.ok<{ splitGrid: Reshape }>(
      `mutation($input: SplitGridInput!) { splitGrid(input: $input) { ${RESHAPE} } }`,
      {
        input: {
          gridId: old.id,
          reason: '网格过大，一分为二',
          parts: [
            {
              code: a,
              name: '第1网格（东）',
              coverageKeys: ['BUILDING:1号楼', 'BUILDING:2号楼'],
              childGridIds: [micro.id],
              leaderMemberId: newLeader.id,
            },
            { code: b, name: '第2网格（西）', coverageKeys: ['BUILDING:3号楼', 'BUILDING:4号楼'] },
          ],
        },
      },
    );
    expect(splitGrid.kind).toBe('SPLIT');
    expect(splitGrid.fromGrids).toEqual([{ id: old.id, code: old.code, status: 'RETIRED', effectiveTo: today() }]);
    expect(splitGrid.toGrids.map((g) => [g.code, g.status, g.coverage.map((c) => c.key)])).toEqual([
      [a, 'ACTIVE', ['BUILDING:1号楼', 'BUILDING:2号楼']],
      [b, 'ACTIVE', ['BUILDING:3号楼', 'BUILDING:4号楼']],
    ]);
    expect(splitGrid.items.totalCount).toBe(4);
    expect(
      nodes(splitGrid.items)
        .map((i) => `${i.key}:${i.fromGrid.code}→${i.toGrid.code}`)
        .sort(),
    ).toEqual(
      [
        `BUILDING:1号楼:${old.code}→${a}`,
        `BUILDING:2号楼:${old.code}→${a}`,
        `BUILDING:3号楼:${old.code}→${b}`,
        `BUILDING:4号楼:${old.code}→${b}`,
      ].sort(),
    );
    const [gridA, gridB] = splitGrid.toGrids as [Reshape['toGrids'][number], Reshape['toGrids'][number]];

    // The old grid is still there, retired, with its coverage and its ended assignment; history links both ways.
    const after = await make.ok<{
      old: {
        status: string;
        coverage: { key: string }[];
        assignments: Page<unknown>;
        history: Page<{ to: string | null; role: string }>;
        reshapes: Page<{ id: string; toGrids: { code: string }[] }>;
      };
      micro: { parentGrid: { code: string }; path: string };
      a: { leader: { id: string }; reshapes: Page<{ id: string }>; path: string };
      active: { edges: { node: { code: string } }[] };
      retired: { edges: { node: { code: string } }[] };
      gridReshapes: { edges: { node: { id: string; reason: string } }[] };
    }>(
      `query($old: ID!, $micro: ID!, $a: ID!, $village: String!) {
         old: grid(id: $old) {
           status coverage { key }
           assignments { totalCount edges { node { id } } }
           history: assignments(current: false) { totalCount edges { node { to role } } }
           reshapes { totalCount edges { node { id toGrids { code } } } }
         }
         micro: grid(id: $micro) { parentGrid { code } path }
         a: grid(id: $a) { leader { id } reshapes { totalCount edges { node { id } } } path }
         active: grids(underPath: $village, kind: BASIC) { edges { node { code } } }
         retired: grids(underPath: $village, status: RETIRED) { edges { node { code } } }
         gridReshapes(underPath: $village) { edges { node { id reason } } }
       }`,
      { old: old.id, micro: micro.id, a: gridA.id, village: village.path },
    );
    expect(after.old.status).toBe('RETIRED');
    expect(after.old.coverage).toHaveLength(4);
    expect(after.old.assignments).toEqual({ totalCount: 0, edges: [] });
    expect(nodes(after.old.history)).toEqual([{ role: 'GRID_LEADER', to: expect.any(String) }]);
    expect(nodes(after.old.reshapes)).toEqual([{ id: splitGrid.id, toGrids: [{ code: a }, { code: b }] }]);
    expect(after.micro).toEqual({ parentGrid: { code: a }, path: `${after.a.path}.${micro.code}` });
    expect(after.a.leader).toEqual({ id: newLeader.id });
    expect(nodes(after.a.reshapes).map((r) => r.id)).toEqual([splitGrid.id]);
    expect(after.active.edges.map((e) => e.node.code).sort()).toEqual([a, b].sort());
    expect(after.retired.edges.map((e) => e.node.code)).toEqual([old.code]);
    expect(after.gridReshapes.edges).toEqual([{ node: { id: splitGrid.id, reason: '网格过大，一分为二' } }]);

    // On Kafka: one reshaped event mapping every item, and the grid events replicas need.
    // Events of one transaction sit on several partitions (keyed by aggregate): read until all are in.
    const messages = await readTopic(
      topic(),
      (m) =>
        reshapedFor(m, splitGrid.id).length > 0 &&
        has(m, old.id, GridEvents.retired) &&
        has(m, gridA.id, GridEvents.created) &&
        has(m, gridB.id, GridEvents.created) &&
        has(m, micro.id, GridEvents.updated) &&
        has(m, oldLeader.id, GridEvents.memberUnassigned) &&
        has(m, newLeader.id, GridEvents.memberAssigned),
    );
    const reshaped = reshapedFor(messages, splitGrid.id);
    expect(reshaped).toHaveLength(1);
    const data = reshaped[0].value['data'] as Record<string, unknown>;
    expect(() => catalogue.validate(GridEvents.reshaped, data)).not.toThrow();
    expect(reshaped[0].key).toBe(village.id);
    expect(data).toMatchObject({
      kind: 'SPLIT',
      areaId: village.id,
      areaPath: village.path,
      retiredGrids: [{ gridId: old.id, code: old.code, path: old.path }],
      createdGrids: [
        { gridId: gridA.id, code: a, path: after.a.path },
        { gridId: gridB.id, code: b, path: expect.stringMatching(new RegExp(`\\.${b}$`)) },
      ],
    });
    expect(
      (data['items'] as { key: string; fromGridId: string; toGridId: string }[]).map((i) => [i.key, i.fromGridId, i.toGridId]).sort(),
    ).toEqual(
      [
        ['BUILDING:1号楼', old.id, gridA.id],
        ['BUILDING:2号楼', old.id, gridA.id],
        ['BUILDING:3号楼', old.id, gridB.id],
        ['BUILDING:4号楼', old.id, gridB.id],
      ].sort(),
    );
    const typesFor = (id: string) => messages.filter((m) => m.key === id).map((m) => m.value['type']);
    expect(typesFor(old.id)).toEqual([GridEvents.created, GridEvents.retired]);
    expect(typesFor(gridA.id)).toEqual([GridEvents.created]);
    expect(typesFor(gridB.id)).toEqual([GridEvents.created]);
    expect(typesFor(micro.id)).toEqual([GridEvents.created, GridEvents.updated]);
    expect(messages.find((m) => m.key === micro.id && m.value['type'] === GridEvents.updated)!.value['data']).toMatchObject({
      parentGridId: gridA.id,
      path: after.micro.path,
    });
    expect(typesFor(oldLeader.id)).toEqual([GridEvents.memberRegistered, GridEvents.memberAssigned, GridEvents.memberUnassigned]);
    expect(messages.find((m) => m.key === newLeader.id && m.value['type'] === GridEvents.memberAssigned)!.value['data']).toMatchObject({
      gridId: gridA.id,
      role: 'GRID_LEADER',
    });
  });

  it('merges grids into one: a building both covered is kept once and mapped from each', async () => {
    const { village, total } = await make.tree();
    const x = await make.basic(village, total, ['1号楼', '2号楼']);
    const y = await make.basic(village, total, ['2号楼', '3号楼']);
    const code = make.code('M');
    const { mergeGrids } = await make.ok<{ mergeGrids: Reshape }>(
      `mutation($input: MergeGridsInput!) { mergeGrids(input: $input) { ${RESHAPE} } }`,
      {
        input: { gridIds: [x.id, y.id], code, name: '合并网格', reason: '两个小网格合而为一' },
      },
    );
    expect(mergeGrids.kind).toBe('MERGE');
    expect(mergeGrids.fromGrids.map((g) => [g.code, g.status])).toEqual([
      [x.code, 'RETIRED'],
      [y.code, 'RETIRED'],
    ]);
    expect(mergeGrids.toGrids.map((g) => [g.code, g.coverage.map((c) => c.key)])).toEqual([
      [code, ['BUILDING:1号楼', 'BUILDING:2号楼', 'BUILDING:3号楼']],
    ]);
    const merged = mergeGrids.toGrids[0];

    const messages = await readTopic(
      topic(),
      (m) =>
        reshapedFor(m, mergeGrids.id).length > 0 &&
        has(m, x.id, GridEvents.retired) &&
        has(m, y.id, GridEvents.retired) &&
        has(m, merged.id, GridEvents.created),
    );
    const event = reshapedFor(messages, mergeGrids.id)[0];
    const items = (event.value['data'] as { items: { key: string; fromGridId: string; toGridId: string }[] }).items;
    expect(items.map((i) => [i.key, i.fromGridId]).sort()).toEqual(
      [
        ['BUILDING:1号楼', x.id],
        ['BUILDING:2号楼', x.id],
        ['BUILDING:2号楼', y.id],
        ['BUILDING:3号楼', y.id],
      ].sort(),
    );
    expect(new Set(items.map((i) => i.toGridId))).toEqual(new Set([merged.id]));
    expect(messages.filter((m) => [x.id, y.id].includes(m.key!) && m.value['type'] === GridEvents.retired)).toHaveLength(2);
    expect(messages.filter((m) => m.key === merged.id).map((m) => m.value['type'])).toEqual([GridEvents.created]);
    const rows = await query(
      db(),
      `SELECT status, to_char(effective_to, 'YYYY-MM-DD') AS "to" FROM grid WHERE id = ANY($1::uuid[]) ORDER BY code`,
      [[x.id, y.id]],
    );
    expect(rows).toEqual([
      { status: 'RETIRED', to: today() },
      { status: 'RETIRED', to: today() },
    ]);

    // The history, as an officer reads it afterwards: from the village, from each old grid and from the new one.
    type History = { id: string; kind: string; reason: string; fromGrids: { code: string }[]; toGrids: { code: string }[] };
    const HISTORY = `totalCount edges { node { id kind reason fromGrids { code } toGrids { code } } }`;
    const history = await make.ok<{
      gridReshapes: Page<History>;
      x: { reshapes: Page<History>; retiredReason: string | null };
      y: { reshapes: Page<History> };
      merged: { reshapes: Page<History> };
    }>(
      `query($village: String!, $x: ID!, $y: ID!, $m: ID!) {
         gridReshapes(underPath: $village) { ${HISTORY} }
         x: grid(id: $x) { retiredReason reshapes { ${HISTORY} } }
         y: grid(id: $y) { reshapes { ${HISTORY} } }
         merged: grid(id: $m) { reshapes { ${HISTORY} } }
       }`,
      { village: village.path, x: x.id, y: y.id, m: merged.id },
    );
    const entry = {
      id: mergeGrids.id,
      kind: 'MERGE',
      reason: '两个小网格合而为一',
      fromGrids: [{ code: x.code }, { code: y.code }],
      toGrids: [{ code }],
    };
    expect(history.gridReshapes).toEqual({ totalCount: 1, edges: [{ node: entry }] });
    for (const g of [history.x, history.y, history.merged]) expect(g.reshapes).toEqual({ totalCount: 1, edges: [{ node: entry }] });
    expect(history.x.retiredReason).toBe('两个小网格合而为一');
    // gridReshapes(gridId:) finds it from either side too.
    const byGrid = await make.ok<{ gridReshapes: { edges: { node: { id: string } }[] } }>(
      `query($g: ID!) { gridReshapes(gridId: $g) { edges { node { id } } } }`,
      { g: y.id },
    );
    expect(byGrid.gridReshapes.edges).toEqual([{ node: { id: mergeGrids.id } }]);
  });

  it('moves a building between two grids of a village, keeping both grids', async () => {
    const { village, total } = await make.tree();
    const x = await make.basic(village, total, ['5号楼', '6号楼']);
    const y = await make.basic(village, total, ['7号楼']);
    const { moveCoverage } = await make.ok<{ moveCoverage: Reshape }>(
      `mutation($input: MoveCoverageInput!) { moveCoverage(input: $input) { ${RESHAPE} } }`,
      {
        input: { fromGridId: x.id, toGridId: y.id, coverageKeys: ['BUILDING:6号楼'], reason: '6号楼划入相邻网格' },
      },
    );
    expect(nodes(moveCoverage.items).map((i) => [i.key, i.fromGrid.code, i.toGrid.code])).toEqual([['BUILDING:6号楼', x.code, y.code]]);
    const now = await make.ok<{ x: { status: string; coverage: { key: string }[] }; y: { status: string; coverage: { key: string }[] } }>(
      `query($x: ID!, $y: ID!) { x: grid(id: $x) { status coverage { key } } y: grid(id: $y) { status coverage { key } } }`,
      { x: x.id, y: y.id },
    );
    expect(now).toEqual({
      x: { status: 'ACTIVE', coverage: [{ key: 'BUILDING:5号楼' }] },
      y: { status: 'ACTIVE', coverage: [{ key: 'BUILDING:7号楼' }, { key: 'BUILDING:6号楼' }] },
    });
  });

  it('refuses a split that leaves a building behind, and reshaping a retired grid, writing nothing', async () => {
    const { village, total } = await make.tree();
    const grid = await make.basic(village, total, ['1号楼', '2号楼', '3号楼']);
    const counts = () =>
      query(
        db(),
        `SELECT (SELECT count(*) FROM grid) AS grids, (SELECT count(*) FROM outbox) AS events, (SELECT count(*) FROM grid_reshape) AS reshapes`,
      );
    const before = await counts();
    const split = (gridId: string, keys: string[][]) =>
      make.call(`mutation($input: SplitGridInput!) { splitGrid(input: $input) { id } }`, {
        input: { gridId, reason: '拆分', parts: keys.map((coverageKeys) => ({ code: make.code('P'), name: '新网格', coverageKeys })) },
      });
    const leftBehind = await split(grid.id, [['BUILDING:1号楼'], ['BUILDING:2号楼']]);
    expect(reasonOf(leftBehind)).toEqual({ code: 'BAD_USER_INPUT', reason: 'RESHAPE_ITEM_UNPLACED' });
    expect(leftBehind.errors?.[0]?.message).toContain('BUILDING:3号楼');
    expect(
      reasonOf(
        await split(grid.id, [
          ['BUILDING:1号楼', 'BUILDING:2号楼'],
          ['BUILDING:2号楼', 'BUILDING:3号楼'],
        ]),
      ),
    ).toEqual({ code: 'BAD_USER_INPUT', reason: 'RESHAPE_ITEM_TWICE' });
    expect(reasonOf(await split(total.id, [[], []]))).toEqual({ code: 'BAD_USER_INPUT', reason: 'RESHAPE_TOTAL_GRID' });
    expect(await counts()).toEqual(before);

    await make.ok(`mutation($input: RetireGridInput!) { retireGrid(input: $input) { id } }`, {
      input: { id: grid.id, reason: '楼栋拆迁' },
    });
    expect(reasonOf(await split(grid.id, [['BUILDING:1号楼'], ['BUILDING:2号楼', 'BUILDING:3号楼']]))).toEqual({
      code: 'CONFLICT',
      reason: 'GRID_RETIRED',
    });
  });
});
