import { randomUUID } from 'node:crypto';
import { Role } from '@civgrid/auth';
import { query, tokenFor } from '@civgrid/testing';
import { mediationSuite } from './factories';

const suite = mediationSuite();
const { run, ok } = suite;

interface Page<N> {
  totalCount: number;
  edges: { node: N }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Every page of a connection query, following endCursor. */
async function allPages<N>(
  q: string,
  field: string,
  variables: Record<string, unknown>,
  token: string,
): Promise<{ totals: number[]; nodes: N[] }> {
  const nodes: N[] = [];
  const totals: number[] = [];
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const res: Record<string, Page<N>> = await ok(q, { ...variables, after }, token);
    totals.push(res[field].totalCount);
    nodes.push(...res[field].edges.map((e) => e.node));
    if (!res[field].pageInfo.hasNextPage) break;
    after = res[field].pageInfo.endCursor;
  }
  return { totals, nodes };
}

describe('the platform’s lists', () => {
  it('pages through all 501 committees of a Daiyue-sized district, district first, and filters by level and area', async () => {
    const grid = await suite.make.grid();
    const district = grid.path.split('.')[0];
    // 1 district, 10 towns, 49 villages each: more than the 500 the old list stopped at.
    await query(
      suite.svc.db.url,
      `INSERT INTO mediation_committee (id, name, level, area_path)
       SELECT gen_random_uuid(), '委员会 ' || p::text, CASE nlevel(p) WHEN 1 THEN 'DISTRICT' WHEN 2 THEN 'TOWN' ELSE 'VILLAGE' END::dispute_level, p
       FROM (
         SELECT $1::text::ltree AS p
         UNION ALL SELECT ($1::text || '.T' || t)::ltree FROM generate_series(1, 10) t
         UNION ALL SELECT ($1::text || '.T' || t || '.V' || lpad(v::text, 2, '0'))::ltree FROM generate_series(1, 10) t, generate_series(1, 49) v
       ) areas`,
      [district],
    );
    const officer = await tokenFor(suite.svc.keys, { roles: [Role.DISTRICT_OFFICER], areas: [district] });
    const Q = `query($after: String, $level: DisputeLevel, $under: String, $covering: String) {
      mediationCommittees(first: 200, after: $after, level: $level, underPath: $under, covering: $covering) {
        totalCount edges { node { id level areaPath } } pageInfo { hasNextPage endCursor } } }`;
    type C = { id: string; level: string; areaPath: string };
    const all = await allPages<C>(Q, 'mediationCommittees', {}, officer);
    expect(all.totals).toEqual([501, 501, 501]);
    expect(new Set(all.nodes.map((c) => c.id)).size).toBe(501);
    expect(all.nodes.slice(0, 11).map((c) => c.level)).toEqual(['DISTRICT', ...Array(10).fill('TOWN')]);
    expect(all.nodes.at(-1)!.areaPath).toBe(`${district}.T9.V49`);

    const towns = await allPages<C>(Q, 'mediationCommittees', { level: 'TOWN' }, officer);
    expect(towns.nodes).toHaveLength(10);
    const underT3 = await allPages<C>(Q, 'mediationCommittees', { under: `${district}.T3` }, officer);
    expect(underT3.totals).toEqual([50]);
    // The committees a dispute in a village can go to: its own, its town's, the district's.
    const chain = await allPages<C>(Q, 'mediationCommittees', { covering: `${district}.T3.V07.G1` }, officer);
    expect(chain.nodes.map((c) => c.areaPath)).toEqual([district, `${district}.T3`, `${district}.T3.V07`]);
    // A town officer sees the town's committees and the district above, not the other towns.
    const townOfficer = await tokenFor(suite.svc.keys, { roles: [Role.TOWN_OFFICER], areas: [`${district}.T3`] });
    expect((await allPages<C>(Q, 'mediationCommittees', {}, townOfficer)).totals).toEqual([51]);

    const bad = await run(`{ mediationCommittees(after: "bm90LWEtY3Vyc29y") { totalCount } }`, {}, officer);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR' });
  });

  it('pages centres by area and name, and a committee’s mediators by name, batched across committees', async () => {
    const grid = await suite.make.grid();
    const district = grid.path.split('.')[0];
    for (const name of ['乙中心', '甲中心', '丙中心'])
      await ok(`mutation($input: CreateCentreInput!) { createMediationCentre(input: $input) { id } }`, {
        input: { name, areaPath: district },
      });
    const officer = await tokenFor(suite.svc.keys, { roles: [Role.COMMUNITY_OFFICER], areas: [grid.areaPath] });
    const centres = await allPages<{ name: string }>(
      `query($after: String, $p: String) { mediationCentres(first: 1, after: $after, covering: $p) { totalCount edges { node { name } } pageInfo { hasNextPage endCursor } } }`,
      'mediationCentres',
      { p: grid.path },
      officer,
    );
    expect(centres.totals).toEqual([3, 3, 3]);
    expect(centres.nodes.map((c) => c.name).sort()).toEqual(['丙中心', '乙中心', '甲中心']);

    const committees: string[] = [];
    for (const [level, areaPath] of [
      ['VILLAGE', grid.areaPath],
      ['TOWN', grid.townPath],
      ['DISTRICT', district],
    ]) {
      const c = await ok<{ createMediationCommittee: { id: string } }>(
        `mutation($input: CreateCommitteeInput!) { createMediationCommittee(input: $input) { id } }`,
        { input: { name: `${level} 委员会`, level, areaPath } },
      );
      committees.push(c.createMediationCommittee.id);
    }
    const names = ['王绪文', '李调解', '赵调解'];
    for (const [i, committeeId] of committees.entries())
      for (const name of names.slice(0, i + 1))
        await ok(`mutation($input: AddMediatorInput!) { addMediator(input: $input) { id } }`, { input: { committeeId, name } });

    suite.svc.sql.record();
    const res = await ok<{ _entities: { id: string; mediators: Page<{ name: string }> }[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on MediationCommittee { id mediators(first: 2) { totalCount edges { node { name } } pageInfo { hasNextPage endCursor } } } } }`,
      { r: committees.map((id) => ({ __typename: 'MediationCommittee', id })) },
    );
    const statements = suite.svc.sql.stop().filter((q) => /\bmediator\b/.test(q));
    expect(statements).toHaveLength(1);
    const sorted = (n: number) => [...names.slice(0, n)].sort();
    expect(res._entities.map((e) => e.mediators.totalCount)).toEqual([1, 2, 3]);
    expect(res._entities.map((e) => e.mediators.edges.map((x) => x.node.name))).toEqual([sorted(1), sorted(2), sorted(3).slice(0, 2)]);
    expect(res._entities.map((e) => e.mediators.pageInfo.hasNextPage)).toEqual([false, false, true]);
    const rest = await ok<{ _entities: { mediators: Page<{ name: string }> }[] }>(
      `query($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on MediationCommittee { mediators(first: 2, after: $after) { edges { node { name } } } } } }`,
      { r: [{ __typename: 'MediationCommittee', id: committees[2] }], after: res._entities[2].mediators.pageInfo.endCursor },
    );
    expect(rest._entities[0].mediators.edges.map((x) => x.node.name)).toEqual(sorted(3).slice(2));
  });

  it('pages Dispute.sessions, earliest first, for several disputes in one statement', async () => {
    const grid = await suite.make.grid();
    const committee = await ok<{ createMediationCommittee: { id: string } }>(
      `mutation($input: CreateCommitteeInput!) { createMediationCommittee(input: $input) { id } }`,
      { input: { name: '人民调解委员会', level: 'VILLAGE', areaPath: grid.areaPath } },
    );
    const mediator = await ok<{ addMediator: { id: string; room: { id: string } } }>(
      `mutation($input: AddMediatorInput!) { addMediator(input: $input) { id room { id } } }`,
      {
        input: { committeeId: committee.createMediationCommittee.id, name: '王绪文', userId: `u-${randomUUID()}`, roomName: '老王调解室' },
      },
    );
    const base = Math.floor(Date.now() / 3600_000) * 3600_000 + 86_400_000;
    const disputes = [await suite.make.dispute(grid), await suite.make.dispute(grid), await suite.make.dispute(grid)];
    const booked: Record<string, string[]> = {};
    let hour = 0;
    for (const [i, d] of disputes.entries()) {
      await ok(`mutation($input: DisputeStepInput!) { acceptDispute(input: $input) { id } }`, { input: { disputeId: d.id } });
      booked[d.id] = [];
      for (let n = 0; n < i + 1; n++) {
        const start = base + hour++ * 3600_000;
        const s = await ok<{ scheduleMediationSession: { id: string } }>(
          `mutation($input: ScheduleSessionInput!) { scheduleMediationSession(input: $input) { id } }`,
          {
            input: {
              disputeId: d.id,
              roomId: mediator.addMediator.room.id,
              startsAt: new Date(start).toISOString(),
              endsAt: new Date(start + 3600_000).toISOString(),
              mediatorIds: [mediator.addMediator.id],
            },
          },
        );
        booked[d.id].push(s.scheduleMediationSession.id);
      }
    }
    suite.svc.sql.record();
    const res = await ok<{ _entities: { id: string; sessions: Page<{ id: string }> }[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Dispute { id sessions(first: 2) { totalCount edges { node { id } } pageInfo { hasNextPage } } } } }`,
      { r: disputes.map((d) => ({ __typename: 'Dispute', id: d.id })) },
    );
    const statements = suite.svc.sql.stop().filter((q) => /\bmediation_session\b/.test(q));
    expect(statements).toHaveLength(1);
    expect(res._entities.map((e) => e.sessions.totalCount)).toEqual([1, 2, 3]);
    expect(res._entities.map((e) => e.sessions.edges.map((x) => x.node.id))).toEqual(disputes.map((d) => booked[d.id].slice(0, 2)));
    expect(res._entities.map((e) => e.sessions.pageInfo.hasNextPage)).toEqual([false, false, true]);
  });
});
