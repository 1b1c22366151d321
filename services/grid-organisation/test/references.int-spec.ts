import { randomInt } from 'node:crypto';
import { Role } from '@civgrid/auth';
import { dataOf, gql, tokenFor } from '@civgrid/testing';
import { startTestService, TestService } from '@civgrid/service-testing';
import { gridOrganisation } from '../src';
import { factories } from './factories';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService(gridOrganisation, { label: 'refs' });
});
afterAll(() => svc?.stop());

const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Grid { id code coverage { key } leader { id } }
  ... on GridMember { id name }
  ... on Department { id name }
} }`;

describe('references from other subgraphs', () => {
  it('resolves grids, members and departments by id in batches: one statement per kind, however many', async () => {
    const make = factories(svc.url, svc.keys);
    const admin = await make.adminToken();
    const { district, village, total } = await make.tree();
    const grids = [total];
    for (let i = 0; i < 4; i++) grids.push(await make.grid(village, 'BASIC', total.id));
    const members: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await gql<{ registerGridMember: { id: string } }>(
        svc.url,
        `mutation($input: RegisterGridMemberInput!) { registerGridMember(input: $input) { id } }`,
        {
          input: { name: '王凤珍', phone: `13800${String(randomInt(1e6)).padStart(6, '0')}`, employment: 'VOLUNTEER', areaId: village.id },
        },
        admin,
      );
      members.push(dataOf(res).registerGridMember.id);
    }
    const department = dataOf(
      await gql<{ createDepartment: { id: string } }>(
        svc.url,
        `mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { id } }`,
        { input: { code: `D${Date.now()}`, name: '岱岳区信访局', kind: 'LETTERS_CALLS_BUREAU', level: 'DISTRICT', areaId: district.id } },
        admin,
      ),
    ).createDepartment.id;
    const representations = [
      ...grids.map((g) => ({ __typename: 'Grid', id: g.id })),
      ...members.map((id) => ({ __typename: 'GridMember', id })),
      { __typename: 'Department', id: department },
    ];
    const reader = await tokenFor(svc.keys, { roles: [Role.DISTRICT_OFFICER], areas: [district.path] });
    svc.sql.record();
    const res = dataOf(await gql<{ _entities: { id: string }[] }>(svc.url, ENTITIES, { r: representations }, reader));
    const statements = svc.sql.stop();
    expect(res._entities.map((e) => e.id)).toEqual(representations.map((r) => r.id));
    const touching = (table: string) => statements.filter((s) => new RegExp(`FROM ${table}\\b`).test(s)).length;
    expect({
      grid: touching('grid'),
      member: touching('grid_member m'),
      department: touching('department'),
      coverage: touching('grid_coverage_item'),
      assignments: touching('grid_assignment a'),
    }).toEqual({
      grid: 1,
      member: 1,
      department: 1,
      coverage: 1,
      assignments: 1,
    });
  });
});
