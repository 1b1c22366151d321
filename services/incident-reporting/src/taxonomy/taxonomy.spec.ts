import { buildTaxonomy, deadlinesFrom, nextLevel } from './taxonomy';

describe('the category taxonomy and its service levels', () => {
  it('adds configured subcategories and overrides a service level without losing the defaults', () => {
    const t = buildTaxonomy({
      INCIDENT_SUBCATEGORIES: { PROPERTY_MANAGEMENT: ['GARDEN', 'ELEVATOR'] },
      INCIDENT_SERVICE_LEVELS: { INFRASTRUCTURE: { acceptMinutes: 15 } },
    });
    expect(t.get('PROPERTY_MANAGEMENT')!.subcategories).toEqual(['ROOF_WATERPROOFING', 'SOLAR_HEATER', 'ELEVATOR', 'PARKING', 'GARDEN']);
    expect(t.get('INFRASTRUCTURE')!.serviceLevel).toEqual({ acceptMinutes: 15, resolveMinutes: 7 * 24 * 60, autoEscalate: true });
    expect(t.get('CARE_ALERT')!.public).toBe(false);
  });

  it('refuses a service level that must be resolved before it is accepted', () => {
    expect(() => buildTaxonomy({ INCIDENT_SERVICE_LEVELS: { OTHER: { acceptMinutes: 100, resolveMinutes: 50 } } })).toThrow(/OTHER/);
  });

  it('counts deadlines from the moment given, shorter for urgent work and longer for low priority', () => {
    const from = new Date('2026-03-01T00:00:00Z');
    const level = { acceptMinutes: 60, resolveMinutes: 240, autoEscalate: false };
    expect(deadlinesFrom(level, 'NORMAL', from)).toEqual({
      acceptDueAt: new Date('2026-03-01T01:00:00Z'),
      resolveDueAt: new Date('2026-03-01T04:00:00Z'),
    });
    expect(deadlinesFrom(level, 'URGENT', from)).toEqual({
      acceptDueAt: new Date('2026-03-01T00:30:00Z'),
      resolveDueAt: new Date('2026-03-01T02:00:00Z'),
    });
    expect(deadlinesFrom(level, 'LOW', from).resolveDueAt).toEqual(new Date('2026-03-01T06:00:00Z'));
  });

  it('escalates one level at a time and stops at the district', () => {
    expect(nextLevel('GRID')).toBe('VILLAGE');
    expect(nextLevel('VILLAGE')).toBe('TOWN');
    expect(nextLevel('TOWN')).toBe('DISTRICT');
    expect(nextLevel('DISTRICT')).toBeNull();
  });
});
