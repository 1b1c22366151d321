// GeoJSON polygons without PostGIS: validation and "do these two grids overlap?" for grid health.
// Coordinates are [longitude, latitude]; grids are small enough that a flat plane is exact enough.

export type Position = [number, number];
export type Ring = Position[];

export interface GeoJsonPolygon {
  type: 'Polygon';
  coordinates: Ring[];
}

const EPS = 1e-12;

/**
 * At most this many positions in all rings together. The self-intersection check is quadratic in a
 * ring's positions (and outline overlap in grid health in both outlines'); a grid's outline needs
 * far fewer, so the cap keeps one request from costing seconds of CPU.
 */
export const MAX_POSITIONS = 2000;

const cross = (o: Position, a: Position, b: Position): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
const sign = (v: number): number => (Math.abs(v) <= EPS ? 0 : v > 0 ? 1 : -1);
const same = (a: Position, b: Position): boolean => a[0] === b[0] && a[1] === b[1];

/** Twice the signed area (shoelace). */
export function signedArea2(ring: Ring): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return sum;
}

/** Segments cross at one point inside both, not at an end and not along a shared line. */
function properlyCross(a: Position, b: Position, c: Position, d: Position): boolean {
  const d1 = sign(cross(c, d, a));
  const d2 = sign(cross(c, d, b));
  const d3 = sign(cross(a, b, c));
  const d4 = sign(cross(a, b, d));
  return d1 * d2 < 0 && d3 * d4 < 0;
}

function onSegment(p: Position, a: Position, b: Position): boolean {
  return (
    sign(cross(a, b, p)) === 0 &&
    Math.min(a[0], b[0]) - EPS <= p[0] &&
    p[0] <= Math.max(a[0], b[0]) + EPS &&
    Math.min(a[1], b[1]) - EPS <= p[1] &&
    p[1] <= Math.max(a[1], b[1]) + EPS
  );
}

/** Any kind of contact between two segments, touching and overlapping included. */
function segmentsTouch(a: Position, b: Position, c: Position, d: Position): boolean {
  if (properlyCross(a, b, c, d)) return true;
  return onSegment(c, a, b) || onSegment(d, a, b) || onSegment(a, c, d) || onSegment(b, c, d);
}

type Where = 'inside' | 'boundary' | 'outside';

/** Ray casting, with points on an edge reported as such. */
export function locate(p: Position, ring: Ring): Where {
  let inside = false;
  for (let i = 0; i < ring.length - 1; i++) {
    const a = ring[i];
    const b = ring[i + 1];
    if (onSegment(p, a, b)) return 'boundary';
    if (a[1] > p[1] !== b[1] > p[1]) {
      const x = a[0] + ((p[1] - a[1]) / (b[1] - a[1])) * (b[0] - a[0]);
      if (x > p[0]) inside = !inside;
    }
  }
  return inside ? 'inside' : 'outside';
}

/** A point strictly inside a simple ring: the middle of the first span a horizontal line cuts. */
export function interiorPoint(ring: Ring): Position {
  const ys = [...new Set(ring.map((p) => p[1]))].sort((a, b) => a - b);
  // Between two neighbouring vertex heights no vertex lies on the line, so every crossing is clean.
  let best: { y: number; gap: number } = { y: (ys[0] + ys[1]) / 2, gap: -1 };
  for (let i = 0; i < ys.length - 1; i++) {
    const gap = ys[i + 1] - ys[i];
    if (gap > best.gap) best = { y: (ys[i] + ys[i + 1]) / 2, gap };
  }
  const xs: number[] = [];
  for (let i = 0; i < ring.length - 1; i++) {
    const a = ring[i];
    const b = ring[i + 1];
    if (a[1] > best.y !== b[1] > best.y) xs.push(a[0] + ((best.y - a[1]) / (b[1] - a[1])) * (b[0] - a[0]));
  }
  xs.sort((a, b) => a - b);
  return [(xs[0] + xs[1]) / 2, best.y];
}

/** What is wrong with a GeoJSON polygon, or null when it is a valid simple polygon. */
export function polygonProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'it must be a GeoJSON object';
  const { type, coordinates } = value as { type?: unknown; coordinates?: unknown };
  if (type !== 'Polygon') return 'its type must be "Polygon"';
  if (!Array.isArray(coordinates) || coordinates.length === 0) return 'it needs at least an outer ring';
  if (coordinates.length > 50) return 'it has more than 50 rings';
  const total = (coordinates as unknown[]).reduce<number>((n, ring) => n + (Array.isArray(ring) ? ring.length : 0), 0);
  if (total > MAX_POSITIONS) return `it has ${total} positions; at most ${MAX_POSITIONS.toLocaleString('en')} in all rings together`;
  for (const [r, ring] of (coordinates as unknown[]).entries()) {
    const name = r === 0 ? 'the outer ring' : `hole ${r}`;
    if (!Array.isArray(ring)) return `${name} must be a list of positions`;
    if (ring.length < 4) return `${name} needs at least 4 positions (a closed triangle)`;
    for (const p of ring as unknown[]) {
      if (!Array.isArray(p) || p.length !== 2 || !p.every((n) => typeof n === 'number' && Number.isFinite(n)))
        return `${name} has a position that is not [longitude, latitude]`;
      const [lon, lat] = p as Position;
      if (lon < -180 || lon > 180 || lat < -90 || lat > 90) return `${name} has a position outside longitude −180…180, latitude −90…90`;
    }
    const positions = ring as Ring;
    if (!same(positions[0], positions.at(-1)!)) return `${name} is not closed: its last position must repeat the first`;
    if (Math.abs(signedArea2(positions)) <= EPS) return `${name} has no area`;
    if (selfIntersects(positions)) return `${name} crosses itself`;
  }
  const outer = (coordinates as Ring[])[0];
  for (const hole of (coordinates as Ring[]).slice(1)) {
    if (hole.some((p) => locate(p, outer) === 'outside')) return 'a hole lies outside the outer ring';
  }
  return null;
}

/** Edges p→q and q→r fold back onto each other: collinear and turning round. */
function foldsBack(p: Position, q: Position, r: Position): boolean {
  return sign(cross(p, q, r)) === 0 && (q[0] - p[0]) * (r[0] - q[0]) + (q[1] - p[1]) * (r[1] - q[1]) < 0;
}

function selfIntersects(ring: Ring): boolean {
  const n = ring.length - 1;
  for (let i = 0; i < n; i++) {
    // Neighbouring edges share a vertex and may touch there, but not run back along each other.
    if (foldsBack(ring[(i + n - 1) % n], ring[i], ring[i + 1])) return true;
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue;
      if (segmentsTouch(ring[i], ring[i + 1], ring[j], ring[j + 1])) return true;
    }
  }
  return false;
}

export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function boundingBox(ring: Ring): Box {
  const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const [x, y] of ring) {
    box.minX = Math.min(box.minX, x);
    box.minY = Math.min(box.minY, y);
    box.maxX = Math.max(box.maxX, x);
    box.maxY = Math.max(box.maxY, y);
  }
  return box;
}

const boxesOverlap = (a: Box, b: Box): boolean => a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY;

/**
 * True when the two outer rings share some area. Neighbouring grids that only share a border or
 * a corner do not overlap. Holes are not considered: a grid lying in another's hole is reported,
 * which errs on the side of a second look.
 */
export function polygonsOverlap(a: GeoJsonPolygon, b: GeoJsonPolygon): boolean {
  const ra = a.coordinates[0];
  const rb = b.coordinates[0];
  if (!boxesOverlap(boundingBox(ra), boundingBox(rb))) return false;
  for (let i = 0; i < ra.length - 1; i++) {
    for (let j = 0; j < rb.length - 1; j++) if (properlyCross(ra[i], ra[i + 1], rb[j], rb[j + 1])) return true;
  }
  // No edges cross: either one lies (partly on its border) within the other, or they are apart.
  const probes = (ring: Ring): Position[] => [
    ...ring.slice(0, -1),
    ...ring.slice(0, -1).map((p, i): Position => [(p[0] + ring[i + 1][0]) / 2, (p[1] + ring[i + 1][1]) / 2]),
    interiorPoint(ring),
  ];
  return probes(ra).some((p) => locate(p, rb) === 'inside') || probes(rb).some((p) => locate(p, ra) === 'inside');
}

export interface Outline {
  id: string;
  polygon: GeoJsonPolygon;
}

/** Every overlapping pair, with a sweep over bounding boxes so a district stays cheap. */
export function overlappingPairs(outlines: Outline[], related: (a: string, b: string) => boolean = () => false): [string, string][] {
  const items = outlines.map((o) => ({ ...o, box: boundingBox(o.polygon.coordinates[0]) })).sort((x, y) => x.box.minX - y.box.minX);
  const pairs: [string, string][] = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length && items[j].box.minX < items[i].box.maxX; j++) {
      const [x, y] = [items[i], items[j]];
      if (related(x.id, y.id)) continue;
      if (polygonsOverlap(x.polygon, y.polygon)) pairs.push(x.id < y.id ? [x.id, y.id] : [y.id, x.id]);
    }
  }
  return pairs;
}
