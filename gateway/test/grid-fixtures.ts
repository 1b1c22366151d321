import { randomInt } from 'node:crypto';
import { Role } from '@civgrid/auth';
import { dataOf, gql, GraphqlResponse, testDistrictCode } from '@civgrid/testing';
import { Stack } from '../src/stack';

// Shared by the grid-*.int-spec.ts files: builds data through the gateway, as an officer would,
// with fresh codes per call so every test owns its rows and tests run in any order.

export interface Area {
  id: string;
  code: string;
  path: string;
  name: string;
}
export interface Grid {
  id: string;
  code: string;
  path: string;
  kind: string;
  status: string;
}
export interface Member {
  id: string;
  name: string;
}

const AREA = 'id code path name';
export const GRID = 'id code path kind status';

export function gridFixtures(stack: Stack) {
  const admin = stack.token({ roles: [Role.ADMIN], sub: 'fixture-admin' });
  let seq = 0;
  const call = async <D>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphqlResponse<D>> =>
    gql<D>(stack.url, query, variables, token ?? (await admin));
  const ok = async <D>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<D> =>
    dataOf(await call<D>(query, variables, token));
  const area = async (input: Record<string, unknown>): Promise<Area> =>
    (await ok<{ createArea: Area }>(`mutation($input: CreateAreaInput!) { createArea(input: $input) { ${AREA} } }`, { input })).createArea;

  const make = {
    admin: () => admin,
    call,
    ok,
    code: (prefix: string) => `${prefix}${randomInt(1e9)}x${++seq}`,
    district: (name = '岱岳区') => area({ code: testDistrictCode(), name }),
    town: (district: Area, name = '天平街道') =>
      area({ code: `${district.code.slice(0, 6)}${String(++seq).padStart(3, '0')}000`, name, parentId: district.id, urban: true }),
    village: (town: Area, name = '开元社区') =>
      area({ code: `${town.code.slice(0, 9)}${String(++seq).padStart(3, '0')}`, name, parentId: town.id, urban: true }),
    async grid(village: Area, input: Record<string, unknown> = {}): Promise<Grid> {
      const code = (input['code'] as string | undefined) ?? make.code('G');
      return (
        await ok<{ createGrid: Grid }>(`mutation($input: CreateGridInput!) { createGrid(input: $input) { ${GRID} } }`, {
          input: { code, name: `网格 ${code}`, kind: 'TOTAL', areaId: village.id, ...input },
        })
      ).createGrid;
    },
    /** district → town → village → total grid. */
    async tree() {
      const district = await make.district();
      const town = await make.town(district);
      const village = await make.village(town);
      const total = await make.grid(village);
      return { district, town, village, total };
    },
    basic: (village: Area, total: Grid, buildings: string[] = [], extra: Record<string, unknown> = {}) =>
      make.grid(village, {
        kind: 'BASIC',
        parentGridId: total.id,
        coverage: buildings.map((name) => ({ kind: 'BUILDING', name })),
        ...extra,
      }),
    async member(area: Area, extra: Record<string, unknown> = {}): Promise<Member & { phone: string }> {
      const phone = `139${String(randomInt(1e8)).padStart(8, '0')}`;
      const res = await ok<{ registerGridMember: Member }>(
        `mutation($input: RegisterGridMemberInput!) { registerGridMember(input: $input) { id name } }`,
        {
          input: { name: '宋晓芳', phone, employment: 'FULL_TIME', areaId: area.id, ...extra },
        },
      );
      return { ...res.registerGridMember, phone };
    },
    assign: (memberId: string, gridId: string, role = 'GRID_MEMBER', token?: string) =>
      call<{ assignGridMember: { id: string; role: string; current: boolean } }>(
        `mutation($input: AssignGridMemberInput!) { assignGridMember(input: $input) { id role current } }`,
        { input: { memberId, gridId, role } },
        token,
      ),
  };
  return make;
}

export { reasonOf } from '@civgrid/testing';
