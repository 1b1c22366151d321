import { localDay, quarterOf } from './grid-counts';

describe('district calendar', () => {
  it('counts days and quarters in Shanghai time', () => {
    expect(localDay(new Date('2026-03-31T16:30:00Z'))).toBe('2026-04-01');
    expect(localDay(new Date('2026-03-31T15:59:59Z'))).toBe('2026-03-31');
    const q = quarterOf(new Date('2026-03-31T16:30:00Z'));
    expect(q).toEqual({ label: '2026Q2', from: new Date('2026-03-31T16:00:00Z'), to: new Date('2026-06-30T16:00:00Z') });
    expect(quarterOf(new Date('2026-12-31T17:00:00Z')).label).toBe('2027Q1');
  });
});
