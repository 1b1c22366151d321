import { PHONE_PATTERN } from '@civgrid/pii';
import { areaCodeProblem } from '../area/area-code';
import { coverageItem, duplicateKeys } from '../grid/coverage';
import { planDistrict } from './district-plan';

describe('planDistrict', () => {
  const daiyue = planDistrict('daiyue');

  it('has the size of Daiyue District: 11 towns and streets, 479 villages and communities, 1,671 grids', () => {
    expect(daiyue.areas.filter((a) => a.level === 'DISTRICT')).toHaveLength(1);
    expect(daiyue.areas.filter((a) => a.level === 'TOWN')).toHaveLength(11);
    expect(daiyue.areas.filter((a) => a.level === 'VILLAGE')).toHaveLength(479);
    expect(daiyue.grids).toHaveLength(1671);
    expect(daiyue.grids.filter((g) => g.kind === 'TOTAL')).toHaveLength(479);
  });

  it('gives every area a valid 12-digit statistical code under its parent, each code once', () => {
    const byCode = new Map(daiyue.areas.map((a) => [a.code, a]));
    expect(byCode.size).toBe(daiyue.areas.length);
    for (const a of daiyue.areas) expect([a.code, areaCodeProblem(a.code, a.level, a.parentCode)]).toEqual([a.code, null]);
    expect(new Set(daiyue.grids.map((g) => g.code)).size).toBe(1671);
  });

  it('puts every basic grid under its village’s total grid, with coverage of its own', () => {
    const totals = new Map(daiyue.grids.filter((g) => g.kind === 'TOTAL').map((g) => [g.code, g]));
    for (const g of daiyue.grids.filter((x) => x.kind === 'BASIC')) {
      expect(totals.get(g.parentCode!)?.areaCode).toBe(g.areaCode);
      expect(g.coverage.length).toBeGreaterThan(0);
    }
    // No building or lane in two grids of a village: a fresh seed is healthy.
    const byVillage = new Map<string, string[]>();
    for (const g of daiyue.grids)
      byVillage.set(g.areaCode, [...(byVillage.get(g.areaCode) ?? []), ...g.coverage.map((c) => coverageItem(c.kind, c.name).key)]);
    for (const keys of byVillage.values()) expect(duplicateKeys(keys.map((key) => ({ key, kind: 'OTHER', name: key })))).toEqual([]);
  });

  it('has a member for every grid, with a Chinese name and a distinct valid mobile number', () => {
    expect(daiyue.members.map((m) => m.gridCode)).toEqual(daiyue.grids.map((g) => g.code));
    expect(new Set(daiyue.members.map((m) => m.phone)).size).toBe(1671);
    for (const m of daiyue.members) {
      expect(m.phone).toMatch(PHONE_PATTERN);
      expect(m.name).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
    }
    expect(new Set(daiyue.members.map((m) => m.name)).size).toBeGreaterThan(500);
  });

  it('is the same every time, so seeding twice changes nothing', () => {
    expect(planDistrict('daiyue')).toEqual(daiyue);
    expect(planDistrict('demo').grids).toHaveLength(18);
  });
});
