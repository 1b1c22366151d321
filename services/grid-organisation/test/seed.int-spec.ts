import { DataSource } from 'typeorm';
import { Role } from '@civgrid/auth';
import { catalogue, EventPayloads } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { PiiCipher } from '@civgrid/pii';
import { dataOf, gql, query, tokenFor } from '@civgrid/testing';
import { startTestService, TestService } from '@civgrid/service-testing';
import { gridOrganisation, seedDistrict } from '../src';

let svc: TestService;
let ds: DataSource;
beforeAll(async () => {
  svc = await startTestService(gridOrganisation, { label: 'seed' });
  ds = new DataSource({ type: 'postgres', url: svc.db.url, entities: gridOrganisation.entities });
  await ds.initialize();
});
afterAll(async () => {
  await ds?.destroy();
  await svc?.stop();
});

const counts = () =>
  query(
    svc.db.url,
    `SELECT (SELECT count(*)::int FROM administrative_area) AS areas, (SELECT count(*)::int FROM grid) AS grids, (SELECT count(*)::int FROM grid_member) AS members,
            (SELECT count(*)::int FROM grid_assignment) AS assignments, (SELECT count(*)::int FROM grid_coverage_item) AS coverage, (SELECT count(*)::int FROM outbox) AS events`,
  );

describe('the demo seed', () => {
  it('gives every grid a leader with a readable encrypted phone, reports progress, and changes nothing the second time', async () => {
    // The service's own cipher: what the seed writes, the service can read.
    const cipher = svc.app.get(PiiCipher, { strict: false });
    const outbox = new Outbox<EventPayloads>('/civgrid/grid-organisation', catalogue);
    const ticks: [number, number][] = [];
    const first = await seedDistrict(ds, outbox, 'demo', cipher, (done, total) => ticks.push([done, total]));
    expect(first.inserted).toEqual({ areas: 9, grids: 18, members: 18, assignments: 18, departments: 10 });
    expect(ticks.at(-1)).toEqual([ticks.at(-1)![1], ticks.at(-1)![1]]);
    const after = await counts();
    expect(after).toEqual([
      { areas: 9, grids: 18, members: 18, assignments: 18, coverage: expect.any(Number), events: 9 + 18 + 10 + 18 + 18 },
    ]);

    const again = await seedDistrict(ds, outbox, 'demo', cipher);
    expect(again.inserted).toEqual({ areas: 0, grids: 0, members: 0, assignments: 0, departments: 0 });
    expect({ districtPath: again.districtPath, gridId: again.gridId }).toEqual({ districtPath: first.districtPath, gridId: first.gridId });
    expect(await counts()).toEqual(after);

    const officer = await tokenFor(svc.keys, { roles: [Role.DISTRICT_OFFICER], areas: [first.districtPath] });
    const health = dataOf(
      await gql<{ gridHealth: { totals: { activeGrids: number; unstaffed: number; overlapping: number } } }>(
        svc.url,
        `query($p: String!) { gridHealth(areaPath: $p) { totals { activeGrids unstaffed overlapping } } }`,
        { p: first.districtPath },
        officer,
      ),
    );
    expect(health.gridHealth.totals).toEqual({ activeGrids: 18, unstaffed: 0, overlapping: 0 });
    const leader = dataOf(
      await gql<{ grid: { leader: { name: string; phone: string } } }>(
        svc.url,
        `query($id: ID!) { grid(id: $id) { leader { name phone(purpose: "核对种子数据") } } }`,
        { id: first.gridId },
        officer,
      ),
    );
    expect(leader.grid.leader.phone).toMatch(/^1[3-9]\d{9}$/);
    expect(leader.grid.leader.name).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
  });
});
