import { GridKind, GridStatus } from '@civgrid/contracts';
import { CoverageItem } from '../grid/coverage';
import { ReshapeErrors } from './reshape.errors';

/** What a plan needs to know of a grid: itself, its coverage, its active children. */
export interface PlanGrid {
  id: string;
  code: string;
  kind: GridKind;
  status: GridStatus;
  areaId: string;
  parentGridId: string | null;
  items: CoverageItem[];
  children: { id: string; code: string }[];
}

export interface SplitPartInput {
  code: string;
  name: string;
  itemKeys: string[];
  childGridIds?: string[];
}

export interface PlannedGrid {
  code: string;
  name: string;
  items: CoverageItem[];
  childGridIds: string[];
}

/** Where one coverage item goes: from an old grid to a new one (by index) or an existing one. */
export interface PlannedMove {
  item: CoverageItem;
  fromGridId: string;
  to: { newGrid: number } | { gridId: string };
}

export interface ReshapePlan {
  retire: string[];
  create: PlannedGrid[];
  moves: PlannedMove[];
}

const repeated = <T>(values: T[]): T[] => [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];

function assertReshapeable(grid: PlanGrid): void {
  if (grid.status !== 'ACTIVE') throw ReshapeErrors.retired(grid.code);
  if (grid.kind === 'TOTAL') throw ReshapeErrors.totalGrid(grid.code);
}

/** Every item of the grid to exactly one part, every active child grid to exactly one part. */
export function planSplit(source: PlanGrid, parts: SplitPartInput[]): ReshapePlan {
  assertReshapeable(source);
  if (parts.length < 2) throw ReshapeErrors.tooFewParts();
  const codes = repeated(parts.map((p) => p.code));
  if (codes.length > 0) throw ReshapeErrors.codesRepeated(codes);

  const byKey = new Map(source.items.map((i) => [i.key, i]));
  const given = parts.flatMap((p) => p.itemKeys);
  const unknown = [...new Set(given.filter((k) => !byKey.has(k)))];
  if (unknown.length > 0) throw ReshapeErrors.unknownItems(source.code, unknown);
  const twice = repeated(given);
  if (twice.length > 0) throw ReshapeErrors.itemsTwice(twice);
  const unplaced = source.items.filter((i) => !given.includes(i.key)).map((i) => i.key);
  if (unplaced.length > 0) throw ReshapeErrors.itemsUnplaced(unplaced);

  const childIds = new Set(source.children.map((c) => c.id));
  const givenChildren = parts.flatMap((p) => p.childGridIds ?? []);
  const unknownChildren = [...new Set(givenChildren.filter((id) => !childIds.has(id)))];
  if (unknownChildren.length > 0) throw ReshapeErrors.unknownChildren(unknownChildren);
  const childrenTwice = repeated(givenChildren);
  if (childrenTwice.length > 0) throw ReshapeErrors.childrenTwice(childrenTwice);
  const childrenLeft = source.children.filter((c) => !givenChildren.includes(c.id)).map((c) => c.code);
  if (childrenLeft.length > 0) throw ReshapeErrors.childrenUnplaced(childrenLeft);

  return {
    retire: [source.id],
    create: parts.map((p) => ({
      code: p.code,
      name: p.name,
      items: p.itemKeys.map((k) => byKey.get(k)!),
      childGridIds: p.childGridIds ?? [],
    })),
    moves: parts.flatMap((p, index) => p.itemKeys.map((k) => ({ item: byKey.get(k)!, fromGridId: source.id, to: { newGrid: index } }))),
  };
}

/** Grids of one village, one kind, one parent become one; an item covered twice is kept once. */
export function planMerge(sources: PlanGrid[], target: { code: string; name: string }): ReshapePlan {
  if (new Set(sources.map((s) => s.id)).size < 2) throw ReshapeErrors.tooFewGrids();
  sources.forEach(assertReshapeable);
  const [first] = sources as [PlanGrid];
  if (sources.some((s) => s.areaId !== first.areaId)) throw ReshapeErrors.acrossAreas();
  if (sources.some((s) => s.kind !== first.kind)) throw ReshapeErrors.differentKinds();
  if (sources.some((s) => s.parentGridId !== first.parentGridId)) throw ReshapeErrors.differentParents();
  const items = new Map<string, CoverageItem>();
  for (const s of sources) for (const i of s.items) if (!items.has(i.key)) items.set(i.key, i);
  return {
    retire: sources.map((s) => s.id),
    create: [
      {
        code: target.code,
        name: target.name,
        items: [...items.values()],
        childGridIds: sources.flatMap((s) => s.children.map((c) => c.id)),
      },
    ],
    moves: sources.flatMap((s) => s.items.map((item) => ({ item, fromGridId: s.id, to: { newGrid: 0 } }))),
  };
}

/** Some items change grid; both grids stay. An item the target already covers just leaves the source. */
export function planMove(from: PlanGrid, to: PlanGrid, itemKeys: string[]): ReshapePlan {
  if (from.id === to.id) throw ReshapeErrors.sameGrid();
  if (from.status !== 'ACTIVE') throw ReshapeErrors.retired(from.code);
  if (to.status !== 'ACTIVE') throw ReshapeErrors.retired(to.code);
  if (from.areaId !== to.areaId) throw ReshapeErrors.acrossAreas();
  if (itemKeys.length === 0) throw ReshapeErrors.noItems();
  const twice = repeated(itemKeys);
  if (twice.length > 0) throw ReshapeErrors.itemsTwice(twice);
  const byKey = new Map(from.items.map((i) => [i.key, i]));
  const unknown = itemKeys.filter((k) => !byKey.has(k));
  if (unknown.length > 0) throw ReshapeErrors.unknownItems(from.code, unknown);
  return { retire: [], create: [], moves: itemKeys.map((k) => ({ item: byKey.get(k)!, fromGridId: from.id, to: { gridId: to.id } })) };
}
