import { DomainError } from '@civgrid/errors';
import { coverageItem } from '../grid/coverage';
import { planMerge, planMove, planSplit, PlanGrid } from './reshape-plan';

const grid = (id: string, names: string[], extra: Partial<PlanGrid> = {}): PlanGrid => ({
  id,
  code: id.toUpperCase(),
  kind: 'BASIC',
  status: 'ACTIVE',
  areaId: 'village',
  parentGridId: 'total',
  items: names.map((n) => coverageItem('BUILDING', n)),
  children: [],
  ...extra,
});

const reasonOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.reason;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('planSplit', () => {
  const source = grid('g1', ['1号楼', '2号楼', '3号楼'], { children: [{ id: 'm1', code: 'M1' }] });

  it('sends every building to the part that names it and every child grid along', () => {
    const plan = planSplit(source, [
      { code: 'A', name: 'A', itemKeys: ['BUILDING:1号楼', 'BUILDING:3号楼'], childGridIds: ['m1'] },
      { code: 'B', name: 'B', itemKeys: ['BUILDING:2号楼'] },
    ]);
    expect(plan.retire).toEqual(['g1']);
    expect(plan.create.map((c) => [c.code, c.items.map((i) => i.name), c.childGridIds])).toEqual([
      ['A', ['1号楼', '3号楼'], ['m1']],
      ['B', ['2号楼'], []],
    ]);
    expect(plan.moves.map((m) => [m.item.key, m.fromGridId, m.to])).toEqual([
      ['BUILDING:1号楼', 'g1', { newGrid: 0 }],
      ['BUILDING:3号楼', 'g1', { newGrid: 0 }],
      ['BUILDING:2号楼', 'g1', { newGrid: 1 }],
    ]);
  });

  it.each([
    ['one part', [{ code: 'A', name: 'A', itemKeys: [] }], 'RESHAPE_TOO_FEW_PARTS'],
    [
      'a building left behind',
      [
        { code: 'A', name: 'A', itemKeys: ['BUILDING:1号楼'], childGridIds: ['m1'] },
        { code: 'B', name: 'B', itemKeys: ['BUILDING:2号楼'] },
      ],
      'RESHAPE_ITEM_UNPLACED',
    ],
    [
      'a building in two parts',
      [
        { code: 'A', name: 'A', itemKeys: ['BUILDING:1号楼', 'BUILDING:2号楼'] },
        { code: 'B', name: 'B', itemKeys: ['BUILDING:2号楼', 'BUILDING:3号楼'] },
      ],
      'RESHAPE_ITEM_TWICE',
    ],
    [
      'a building it does not cover',
      [
        { code: 'A', name: 'A', itemKeys: ['BUILDING:9号楼'] },
        { code: 'B', name: 'B', itemKeys: [] },
      ],
      'RESHAPE_UNKNOWN_ITEM',
    ],
    [
      'the same code twice',
      [
        { code: 'A', name: 'A', itemKeys: [] },
        { code: 'A', name: 'B', itemKeys: [] },
      ],
      'RESHAPE_CODE_REPEATED',
    ],
    [
      'a child grid left behind',
      [
        { code: 'A', name: 'A', itemKeys: ['BUILDING:1号楼', 'BUILDING:3号楼'] },
        { code: 'B', name: 'B', itemKeys: ['BUILDING:2号楼'] },
      ],
      'RESHAPE_CHILD_UNPLACED',
    ],
    [
      'a stranger as child',
      [
        { code: 'A', name: 'A', itemKeys: ['BUILDING:1号楼', 'BUILDING:2号楼', 'BUILDING:3号楼'], childGridIds: ['m1', 'x'] },
        { code: 'B', name: 'B', itemKeys: [] },
      ],
      'RESHAPE_UNKNOWN_CHILD',
    ],
  ])('refuses %s', (_label, parts, reason) => {
    expect(reasonOf(() => planSplit(source, parts))).toBe(reason);
  });

  it('refuses total grids and retired grids', () => {
    const parts = [
      { code: 'A', name: 'A', itemKeys: [] },
      { code: 'B', name: 'B', itemKeys: [] },
    ];
    expect(reasonOf(() => planSplit(grid('t', [], { kind: 'TOTAL', parentGridId: null }), parts))).toBe('RESHAPE_TOTAL_GRID');
    expect(reasonOf(() => planSplit(grid('r', [], { status: 'RETIRED' }), parts))).toBe('GRID_RETIRED');
  });
});

describe('planMerge', () => {
  it('keeps an item covered by two grids once and maps it from both', () => {
    const plan = planMerge([grid('a', ['1号楼', '2号楼']), grid('b', ['2号楼', '3号楼'], { children: [{ id: 'm', code: 'M' }] })], {
      code: 'AB',
      name: 'AB',
    });
    expect(plan.retire).toEqual(['a', 'b']);
    expect(plan.create[0].items.map((i) => i.name)).toEqual(['1号楼', '2号楼', '3号楼']);
    expect(plan.create[0].childGridIds).toEqual(['m']);
    expect(plan.moves.map((m) => `${m.fromGridId}:${m.item.name}`)).toEqual(['a:1号楼', 'a:2号楼', 'b:2号楼', 'b:3号楼']);
  });

  it.each([
    ['a single grid', [grid('a', [])], 'RESHAPE_TOO_FEW_GRIDS'],
    ['the same grid twice', [grid('a', []), grid('a', [])], 'RESHAPE_TOO_FEW_GRIDS'],
    ['grids of two villages', [grid('a', []), grid('b', [], { areaId: 'other' })], 'RESHAPE_ACROSS_AREAS'],
    ['a basic and a micro grid', [grid('a', []), grid('b', [], { kind: 'MICRO' })], 'RESHAPE_DIFFERENT_KINDS'],
    ['grids under two parents', [grid('a', []), grid('b', [], { parentGridId: 'other' })], 'RESHAPE_DIFFERENT_PARENTS'],
    ['a retired grid', [grid('a', []), grid('b', [], { status: 'RETIRED' })], 'GRID_RETIRED'],
  ])('refuses %s', (_label, sources, reason) => {
    expect(reasonOf(() => planMerge(sources, { code: 'X', name: 'X' }))).toBe(reason);
  });
});

describe('planMove', () => {
  it('moves the named items to the other grid', () => {
    const plan = planMove(grid('a', ['1号楼', '2号楼']), grid('b', []), ['BUILDING:2号楼']);
    expect(plan).toEqual({
      retire: [],
      create: [],
      moves: [{ item: coverageItem('BUILDING', '2号楼'), fromGridId: 'a', to: { gridId: 'b' } }],
    });
  });

  it.each([
    ['to itself', grid('a', ['1号楼']), grid('a', ['1号楼']), ['BUILDING:1号楼'], 'RESHAPE_SAME_GRID'],
    ['to another village', grid('a', ['1号楼']), grid('b', [], { areaId: 'x' }), ['BUILDING:1号楼'], 'RESHAPE_ACROSS_AREAS'],
    ['nothing', grid('a', ['1号楼']), grid('b', []), [], 'RESHAPE_NO_ITEMS'],
    ['an item it does not have', grid('a', ['1号楼']), grid('b', []), ['STREET:1号楼'], 'RESHAPE_UNKNOWN_ITEM'],
    ['into a retired grid', grid('a', ['1号楼']), grid('b', [], { status: 'RETIRED' }), ['BUILDING:1号楼'], 'GRID_RETIRED'],
  ])('refuses a move %s', (_label, from, to, keys, reason) => {
    expect(reasonOf(() => planMove(from, to, keys))).toBe(reason);
  });
});

describe('coverage keys', () => {
  it('treat full-width digits and extra spaces as the same building', () => {
    expect(coverageItem('BUILDING', ' ３号楼 ').key).toBe(coverageItem('BUILDING', '3号楼').key);
    expect(coverageItem('STREET', '幸福  路').name).toBe('幸福 路');
  });
});
