import { principalFromClaims } from './claims';

const policy = { districtRoots: ['370911000000'] };
const G = '00000000-0000-4000-8000-00000000000A';
const ok = { sub: 'u', roles: ['GRID_MEMBER'], areas: ['370911000000.370911001000'], grids: [G] };
const reason = (payload: Record<string, unknown>): string => {
  try {
    principalFromClaims(payload, policy);
    return 'accepted';
  } catch (error) {
    return `${(error as { reason: string }).reason}: ${(error as Error).message}`;
  }
};

describe('claims checked at verification', () => {
  it('accepts well-formed claims, and normalises grid ids', () => {
    expect(principalFromClaims(ok, policy)).toEqual({
      userId: 'u',
      name: undefined,
      roles: ['GRID_MEMBER'],
      areas: ok.areas,
      grids: [G.toLowerCase()],
      departmentId: undefined,
    });
    expect(principalFromClaims({ sub: 'u', roles: [] }, policy).roles).toEqual([]);
  });

  it.each([
    ['an unknown role', { ...ok, roles: ['ADMIN '] }, /role "ADMIN " is not one of/],
    ['an unknown role beside a known one', { ...ok, roles: ['GRID_MEMBER', '--help'] }, /role "--help"/],
    ['roles that are not a list', { ...ok, roles: 'ADMIN' }, /"roles" must be a list/],
    ['an empty area', { ...ok, areas: [''] }, /area "" is not an area path/],
    ['a malformed area', { ...ok, areas: ["370911000000' OR '1"] }, /not an area path/],
    ['an area of another district', { ...ok, areas: ['110101000000'] }, /outside this district/],
    ['a prefix that is no area of ours', { ...ok, areas: ['3709110000001'] }, /outside this district/],
    ['a grid that is not an id', { ...ok, grids: ['g1'] }, /grid "g1" is not a grid id/],
    ['a department that is not an id', { ...ok, dept: 'court' }, /department "court"/],
    ['a list of numbers', { ...ok, areas: [1] }, /must hold strings only/],
  ])('refuses %s with a reason', (_, payload, message) => {
    expect(reason(payload)).toMatch(/^TOKEN_CLAIMS_INVALID: /);
    expect(reason(payload)).toMatch(message);
  });
});
