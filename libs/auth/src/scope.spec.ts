import { Role } from './roles';
import { canSeeGridRow, gridRowCondition, isInScope, isLimitedToOwnGrids, isWithin } from './scope';

const member = { userId: 'm', roles: [Role.GRID_MEMBER], areas: ['370911000000.370911001000'], grids: ['g1'] };
const officer = { ...member, roles: [Role.GRID_MEMBER, Role.COMMUNITY_OFFICER] };

describe('area scope', () => {
  it('treats a path as within a scope label by label, not by string prefix', () => {
    expect(isWithin('370911000000.370911001000.370911001001', '370911000000.370911001000')).toBe(true);
    expect(isWithin('370911000000.3709110010009', '370911000000.370911001000')).toBe(false);
    expect(isInScope({ ...member, roles: [Role.ADMIN], areas: [] }, 'anything')).toBe(true);
  });

  it('keeps a plain grid member to their own grids, and an officer to their areas', () => {
    const row = { gridId: 'g2', gridPath: '370911000000.370911001000.370911001001.G2' };
    expect(isLimitedToOwnGrids(member)).toBe(true);
    expect(canSeeGridRow(member, row)).toBe(false);
    expect(canSeeGridRow(member, { ...row, gridId: 'g1' })).toBe(true);
    expect(canSeeGridRow(officer, row)).toBe(true);
    expect(canSeeGridRow(officer, { ...row, gridPath: '370911000000.370911002000.X' })).toBe(false);
  });

  it('writes the same rule as SQL, with its parameters', () => {
    const params: unknown[] = ['x'];
    expect(gridRowCondition(member, 'i.grid_path', 'i.grid_id', params)).toBe(
      '(i.grid_path <@ $2::ltree[] AND i.grid_id = ANY($3::uuid[]))',
    );
    expect(params).toEqual(['x', member.areas, member.grids]);
    expect(gridRowCondition({ ...member, roles: [Role.ADMIN] }, 'p', 'g', [])).toBe('TRUE');
  });
});
