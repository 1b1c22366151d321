import { GeoJsonPolygon, overlappingPairs } from '../geometry/polygon';

export interface SharedItems {
  a: string;
  b: string;
  keys: string[];
}

export interface GridOutline {
  id: string;
  path: string;
  boundary: GeoJsonPolygon;
}

export interface Overlap {
  /** The two grids, smaller id first. */
  gridIds: [string, string];
  coverageKeys: string[];
  boundariesOverlap: boolean;
}

const isWithin = (path: string, scope: string): boolean => path === scope || path.startsWith(`${scope}.`);

/** A total grid and its basic grids are meant to share ground; only unrelated grids overlap. */
export const related = (a: string, b: string): boolean => isWithin(a, b) || isWithin(b, a);

/** One overlap per pair of grids, whether they share coverage items, outline area, or both. */
export function overlaps(shared: readonly SharedItems[], outlines: readonly GridOutline[]): Overlap[] {
  const pairs = new Map<string, Overlap>();
  const pair = (a: string, b: string): Overlap => {
    const gridIds: [string, string] = a < b ? [a, b] : [b, a];
    const key = gridIds.join('|');
    const known = pairs.get(key) ?? { gridIds, coverageKeys: [], boundariesOverlap: false };
    pairs.set(key, known);
    return known;
  };
  for (const s of shared) pair(s.a, s.b).coverageKeys = [...s.keys].sort();
  const paths = new Map(outlines.map((o) => [o.id, o.path]));
  const crossing = overlappingPairs(
    outlines.map((o) => ({ id: o.id, polygon: o.boundary })),
    (a, b) => related(paths.get(a)!, paths.get(b)!),
  );
  for (const [a, b] of crossing) pair(a, b).boundariesOverlap = true;
  return [...pairs.values()];
}

/** "Grids G1 and G2 overlap: both cover BUILDING:2号楼, and their outlines overlap." */
export function describeOverlap(o: Overlap, codeOf: (id: string) => string): string {
  const what = [o.coverageKeys.length ? `both cover ${o.coverageKeys.join(', ')}` : '', o.boundariesOverlap ? 'their outlines overlap' : '']
    .filter(Boolean)
    .join(', and ');
  return `Grids ${codeOf(o.gridIds[0])} and ${codeOf(o.gridIds[1])} overlap: ${what}.`;
}
