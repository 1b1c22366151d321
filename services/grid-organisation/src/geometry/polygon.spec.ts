import { GeoJsonPolygon, interiorPoint, locate, overlappingPairs, polygonProblem, polygonsOverlap, Ring } from './polygon';

const poly = (...ring: [number, number][]): GeoJsonPolygon => ({ type: 'Polygon', coordinates: [[...ring, ring[0]]] });
const square = (x: number, y: number, size = 1): GeoJsonPolygon => poly([x, y], [x + size, y], [x + size, y + size], [x, y + size]);

describe('polygonProblem', () => {
  it('accepts a closed simple polygon, with or without a hole inside it', () => {
    expect(polygonProblem(square(117, 36, 0.01))).toBeNull();
    const withHole = { type: 'Polygon', coordinates: [square(0, 0, 10).coordinates[0], square(2, 2, 1).coordinates[0]] };
    expect(polygonProblem(withHole)).toBeNull();
  });

  it.each([
    ['not an object', 'x', /GeoJSON object/],
    ['another type', { type: 'Point', coordinates: [1, 2] }, /"Polygon"/],
    ['no rings', { type: 'Polygon', coordinates: [] }, /outer ring/],
    [
      'too few positions',
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      /at least 4/,
    ],
    [
      'an open ring',
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      },
      /not closed/,
    ],
    [
      'a position with a string',
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, '0'],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      /\[longitude, latitude\]/,
    ],
    [
      'a latitude beyond the pole',
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 95],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      /outside/,
    ],
    ['a flat ring', poly([0, 0], [1, 1], [2, 2]), /no area/],
    ['a bow tie', poly([0, 0], [2, 2], [2, 0], [0, 3]), /crosses itself/],
    ['a spike folding back', poly([0, 0], [3, 0], [1, 0], [1, 2], [0, 2]), /crosses itself/],
    ['a hole outside', { type: 'Polygon', coordinates: [square(0, 0).coordinates[0], square(5, 5).coordinates[0]] }, /hole lies outside/],
  ])('refuses %s', (_label, value, message) => {
    expect(polygonProblem(value)).toMatch(message);
  });
});

describe('the size of a polygon', () => {
  // A closed ring of n positions round a circle: simple, so only its size can be refused.
  const circle = (n: number, r = 1): [number, number][] => {
    const ring = Array.from({ length: n - 1 }, (_, i): [number, number] => [
      117 + r * Math.cos((2 * Math.PI * i) / (n - 1)),
      36 + r * Math.sin((2 * Math.PI * i) / (n - 1)),
    ]);
    return [...ring, ring[0]];
  };

  it('takes up to 2,000 positions in all rings, and refuses more quickly, saying how many', () => {
    expect(polygonProblem({ type: 'Polygon', coordinates: [circle(2000)] })).toBeNull();
    expect(polygonProblem({ type: 'Polygon', coordinates: [circle(1500), circle(501, 0.1)] })).toBe(
      'it has 2001 positions; at most 2,000 in all rings together',
    );
    const huge = { type: 'Polygon', coordinates: Array.from({ length: 50 }, () => circle(10_000)) };
    const started = performance.now();
    expect(polygonProblem(huge)).toMatch(/500000 positions/);
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('polygonsOverlap', () => {
  it('sees two squares that share a corner region', () => {
    expect(polygonsOverlap(square(0, 0, 2), square(1, 1, 2))).toBe(true);
  });

  it('does not call neighbours that share a border or a corner overlapping', () => {
    expect(polygonsOverlap(square(0, 0), square(1, 0))).toBe(false);
    expect(polygonsOverlap(square(0, 0), square(1, 1))).toBe(false);
    expect(polygonsOverlap(square(0, 0), square(5, 5))).toBe(false);
  });

  it('sees one polygon inside another, identical polygons, and a half that shares three sides', () => {
    expect(polygonsOverlap(square(0, 0, 10), square(2, 2, 1))).toBe(true);
    expect(polygonsOverlap(square(0, 0), square(0, 0))).toBe(true);
    expect(polygonsOverlap(square(0, 0), poly([0, 0], [0.5, 0], [0.5, 1], [0, 1]))).toBe(true);
  });

  it('sees a cross where no vertex of one lies inside the other', () => {
    const horizontal = poly([0, 1], [3, 1], [3, 2], [0, 2]);
    const vertical = poly([1, 0], [2, 0], [2, 3], [1, 3]);
    expect(polygonsOverlap(horizontal, vertical)).toBe(true);
  });

  it('handles concave shapes whose bounding boxes overlap but whose areas do not', () => {
    const u = poly([0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3]);
    const inTheGap = square(1.2, 1.5, 0.5);
    expect(polygonsOverlap(u, inTheGap)).toBe(false);
    expect(polygonsOverlap(u, square(0.5, 2, 1))).toBe(true);
  });
});

describe('points', () => {
  it('locates inside, outside and on the border', () => {
    const ring = square(0, 0).coordinates[0];
    expect(locate([0.5, 0.5], ring)).toBe('inside');
    expect(locate([1, 0.5], ring)).toBe('boundary');
    expect(locate([2, 0.5], ring)).toBe('outside');
  });

  it('finds a point strictly inside a concave ring', () => {
    const ring: Ring = poly([0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3]).coordinates[0];
    expect(locate(interiorPoint(ring), ring)).toBe('inside');
  });
});

describe('overlappingPairs', () => {
  it('lists each overlapping pair once and skips pairs the caller calls related', () => {
    const outlines = [
      { id: 'a', polygon: square(0, 0, 2) },
      { id: 'b', polygon: square(1, 1, 2) },
      { id: 'c', polygon: square(2, 0.5, 1) },
      { id: 'd', polygon: square(10, 10) },
      { id: 'e', polygon: square(0.5, 0.5, 0.5) },
    ];
    expect(overlappingPairs(outlines).sort()).toEqual([
      ['a', 'b'],
      ['a', 'e'],
      ['b', 'c'],
    ]);
    expect(overlappingPairs(outlines, (x, y) => [x, y].sort().join() === 'a,e').sort()).toEqual([
      ['a', 'b'],
      ['b', 'c'],
    ]);
  });
});
