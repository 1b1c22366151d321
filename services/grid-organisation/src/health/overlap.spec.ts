import { GeoJsonPolygon } from '../geometry/polygon';
import { describeOverlap, overlaps, related } from './overlap';

const square = (x: number, y: number, size: number): GeoJsonPolygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + size, y],
      [x + size, y + size],
      [x, y + size],
      [x, y],
    ],
  ],
});

describe('overlaps', () => {
  it('joins a shared building and crossing outlines of the same two grids into one overlap', () => {
    const found = overlaps(
      [{ a: 'g2', b: 'g1', keys: ['BUILDING:3号楼', 'BUILDING:2号楼'] }],
      [
        { id: 'g1', path: 'd.t.v.T.B1', boundary: square(0, 0, 2) },
        { id: 'g2', path: 'd.t.v.T.B2', boundary: square(1, 1, 2) },
      ],
    );
    expect(found).toEqual([{ gridIds: ['g1', 'g2'], coverageKeys: ['BUILDING:2号楼', 'BUILDING:3号楼'], boundariesOverlap: true }]);
    expect(describeOverlap(found[0], (id) => id.toUpperCase())).toBe(
      'Grids G1 and G2 overlap: both cover BUILDING:2号楼, BUILDING:3号楼, and their outlines overlap.',
    );
  });

  it('leaves out a grid and the grids below it, whose outlines lie inside by design', () => {
    const outlines = [
      { id: 'total', path: 'd.t.v.T', boundary: square(0, 0, 10) },
      { id: 'basic', path: 'd.t.v.T.B1', boundary: square(1, 1, 2) },
      { id: 'micro', path: 'd.t.v.T.B1.M1', boundary: square(2.5, 2.5, 0.4) },
      { id: 'other', path: 'd.t.v.T.B2', boundary: square(2, 2, 2) },
    ];
    expect(overlaps([], outlines).map((o) => o.gridIds)).toEqual(
      [
        ['basic', 'other'],
        ['micro', 'other'],
      ].map((p) => p.sort()),
    );
    expect(related('d.t.v.T', 'd.t.v.T.B1')).toBe(true);
    expect(related('d.t.v.T.B1', 'd.t.v.T.B10')).toBe(false);
  });

  it('describes an overlap by items alone', () => {
    expect(describeOverlap({ gridIds: ['a', 'b'], coverageKeys: ['LANE:东1巷'], boundariesOverlap: false }, (id) => id)).toBe(
      'Grids a and b overlap: both cover LANE:东1巷.',
    );
  });
});
