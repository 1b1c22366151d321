import { canReach, fieldLevel, FIELDS, mayUse, reachCondition, RULES } from './access';
import { Principal, Role } from './roles';

const G1 = '00000000-0000-4000-8000-000000000001';
const V1 = '370911000000.370911001000.370911001001';
const member: Principal = { userId: 'm', roles: [Role.GRID_MEMBER], areas: [V1], grids: [G1] };
const officer: Principal = { ...member, roles: [Role.GRID_MEMBER, Role.COMMUNITY_OFFICER] };
const nobody: Principal = { ...member, roles: [] };

describe('the access rules', () => {
  it('keeps a plain grid member to their own grids, and an officer (also a member) to their areas', () => {
    const row = { gridId: '00000000-0000-4000-8000-000000000002', path: `${V1}.G2` };
    expect(canReach(member, RULES.incident.read, row)).toBe(false);
    expect(canReach(member, RULES.incident.read, { ...row, gridId: G1 })).toBe(true);
    expect(canReach(officer, RULES.incident.read, row)).toBe(true);
    expect(canReach(officer, RULES.incident.read, { ...row, path: '370911000000.370911002000.X' })).toBe(false);
  });

  it('gives a principal without a role nothing, whatever its areas', () => {
    expect(mayUse(nobody, RULES.department.read)).toBe(false);
    expect(canReach(nobody, RULES.incident.read, { gridId: G1, path: `${V1}.G1` })).toBe(false);
    expect(reachCondition(nobody, RULES.incident.read, { path: 'p', gridId: 'g' }, [])).toBe('FALSE');
  });

  it('lets a department officer reach what concerns its department, and nothing by area', () => {
    const dept: Principal = { userId: 'd', roles: [Role.DEPARTMENT_OFFICER], areas: ['370911000000'], grids: [], departmentId: G1 };
    expect(canReach(dept, RULES.incident.read, { path: `${V1}.G1`, gridId: G1 })).toBe(false);
    expect(canReach(dept, RULES.incident.read, { path: `${V1}.G1`, departmentIds: [G1] })).toBe(true);
    expect(canReach({ ...dept, departmentId: undefined }, RULES.incident.read, { departmentIds: [G1] })).toBe(false);
  });

  it('writes the same rule as SQL, with its parameters', () => {
    const params: unknown[] = ['x'];
    expect(reachCondition(member, RULES.incident.read, { path: 'i.grid_path', gridId: 'i.grid_id' }, params)).toBe(
      '(i.grid_path <@ $2::ltree[] AND i.grid_id = ANY($3::uuid[]))',
    );
    expect(params).toEqual(['x', member.areas, member.grids]);
    expect(reachCondition({ ...member, roles: [Role.ADMIN] }, RULES.incident.read, {}, [])).toBe('TRUE');
    expect(() => reachCondition(officer, RULES.incident.read, {}, [])).toThrow(/gives no path/);
  });

  it('takes the areas above the caller’s in for the area tree', () => {
    expect(canReach(member, RULES.area.read, { path: '370911000000' })).toBe(true);
    expect(canReach(member, RULES.area.read, { path: '370911000000.370911002000' })).toBe(false);
  });

  it('shows a field at the best level of the principal’s roles', () => {
    expect(fieldLevel({ ...member, roles: [Role.ANALYST] }, FIELDS.incident.words)).toBe('hidden');
    expect(fieldLevel({ ...member, roles: [Role.ANALYST, Role.COMMUNITY_OFFICER] }, FIELDS.incident.words)).toBe('plain');
    expect(fieldLevel(member, FIELDS.registry.nationalId)).toBe('masked');
    expect(fieldLevel({ ...member, roles: [Role.TOWN_OFFICER] }, FIELDS.registry.tags)).toBe('hidden');
  });
});
