import { Role } from '@civgrid/auth';
import { catalogue, MediationEvents } from '@civgrid/contracts';
import { asGateway, dataOf, gql, query, readTopic, tokenFor } from '@civgrid/testing';
import { DISPUTE, mediationSuite } from './factories';

const suite = mediationSuite();

const REGISTER = `mutation($input: RegisterDisputeInput!) { registerDispute(input: $input) { ${DISPUTE} } }`;
/** A committee of `level` over `areaPath`, with a mediator acting as `userId` when given. */
async function committee(level: string, areaPath: string, userId?: string): Promise<string> {
  const admin = await suite.make.adminToken();
  const c = dataOf(
    await gql<{ createMediationCommittee: { id: string } }>(
      suite.svc.url,
      `mutation($input: CreateCommitteeInput!) { createMediationCommittee(input: $input) { id } }`,
      { input: { name: `${level} 调解委员会`, level, areaPath } },
      admin,
    ),
  ).createMediationCommittee.id;
  if (userId)
    dataOf(
      await gql(
        suite.svc.url,
        `mutation($input: AddMediatorInput!) { addMediator(input: $input) { id } }`,
        { input: { committeeId: c, name: '王绪文', userId } },
        admin,
      ),
    );
  return c;
}

const counts = () =>
  query(suite.svc.db.url, 'SELECT (SELECT count(*) FROM dispute)::int AS disputes, (SELECT count(*) FROM outbox)::int AS events');

describe('disputes', () => {
  it('keeps a replica of grids from grid events, and refuses new disputes in a retired grid', async () => {
    const grid = await suite.make.grid();
    const [row] = await query(
      suite.svc.db.url,
      'SELECT id, path::text AS path, area_path::text AS "areaPath", status FROM grid_replica WHERE id = $1',
      [grid.id],
    );
    expect(row).toEqual({ id: grid.id, path: grid.path, areaPath: grid.areaPath, status: 'ACTIVE' });
    await suite.make.dispute(grid);

    await suite.make.retire(grid);
    const before = await counts();
    const res = await gql(
      suite.svc.url,
      REGISTER,
      { input: { gridId: grid.id, kind: 'FAMILY', origin: 'WALK_IN', summary: '家庭纠纷' } },
      await suite.make.adminToken(),
    );
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'GRID_RETIRED' });
    expect(await counts()).toEqual(before);
  });

  it('registers a dispute at village level with a TJ number and publishes an event without the summary', async () => {
    const grid = await suite.make.grid();
    await committee('VILLAGE', grid.areaPath, 'mediator-wang');
    const mediator = await tokenFor(suite.svc.keys, { roles: [Role.MEDIATOR], areas: [grid.townPath], sub: 'mediator-wang' });
    const summary = `楼上漏水 ${grid.code}：张三与李四`;
    const incidentId = await suite.make.incident(grid);
    const dispute = await suite.make.dispute(
      grid,
      { kind: 'PROPERTY_MANAGEMENT', origin: 'INCIDENT', originIncidentId: incidentId, summary },
      mediator,
    );

    const year = new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date());
    expect(dispute.number).toMatch(new RegExp(`^TJ-${year}-\\d{6}$`));
    expect(dispute).toMatchObject({ kind: 'PROPERTY_MANAGEMENT', origin: 'INCIDENT', level: 'VILLAGE', status: 'REGISTERED' });
    const rows = await query(
      suite.svc.db.url,
      `SELECT number, summary, grid_id AS "gridId", grid_path::text AS "gridPath", level, registered_by AS "registeredBy", origin_incident_id AS "originIncidentId"
       FROM dispute WHERE id = $1`,
      [dispute.id],
    );
    expect(rows).toEqual([
      {
        number: dispute.number,
        summary,
        gridId: grid.id,
        gridPath: grid.path,
        level: 'VILLAGE',
        registeredBy: 'mediator-wang',
        originIncidentId: incidentId,
      },
    ]);

    const messages = await readTopic(suite.svc.topic('mediation'), (m) => m.some((x) => x.key === dispute.id));
    const event = messages.find((m) => m.key === dispute.id)!;
    expect(event.headers['content-type']).toContain('application/cloudevents+json');
    expect(event.value).toMatchObject({
      specversion: '1.0',
      type: MediationEvents.disputeRegistered,
      source: '/civgrid/dispute-mediation',
      subject: dispute.id,
      data: {
        disputeId: dispute.id,
        number: dispute.number,
        gridId: grid.id,
        gridPath: grid.path,
        kind: 'PROPERTY_MANAGEMENT',
        origin: 'INCIDENT',
        originIncidentId: incidentId,
        level: 'VILLAGE',
      },
    });
    expect(() => catalogue.validate(MediationEvents.disputeRegistered, event.value['data'])).not.toThrow();
    const raw = JSON.stringify(event.value);
    expect(raw).not.toContain('漏水');
    expect(raw).not.toContain('张三');

    const read = dataOf(
      await gql<{ dispute: { number: string; summary: string; grid: { id: string } } }>(
        suite.svc.url,
        `query($id: ID!) { dispute(id: $id) { number summary grid { id } } }`,
        { id: dispute.id },
        mediator,
      ),
    );
    expect(read.dispute).toEqual({ number: dispute.number, summary, grid: { id: grid.id } });
  });

  it('refuses unknown grids, bad input and other towns with clear codes, writing nothing', async () => {
    const grid = await suite.make.grid();
    const other = await suite.make.grid();
    const admin = await suite.make.adminToken();
    const otherTownOfficer = await tokenFor(suite.svc.keys, { roles: [Role.TOWN_OFFICER], areas: [other.townPath] });
    const valid = { gridId: grid.id, kind: 'LABOUR', origin: 'WALK_IN', summary: '拖欠工资' };
    const before = await counts();

    const cases: [Record<string, unknown>, string, string, string | undefined][] = [
      [{ ...valid, gridId: '7d5c3c1e-0000-4000-8000-000000000000' }, admin, 'NOT_FOUND', 'GRID_NOT_FOUND'],
      [{ ...valid, gridId: 'not-a-uuid' }, admin, 'BAD_USER_INPUT', 'INVALID_INPUT'],
      [{ ...valid, kind: 'DIVORCE' }, admin, 'BAD_USER_INPUT', undefined],
      [{ ...valid, summary: 'x'.repeat(2001) }, admin, 'BAD_USER_INPUT', 'INVALID_INPUT'],
      [{ ...valid, origin: 'INCIDENT' }, admin, 'BAD_USER_INPUT', 'DISPUTE_ORIGIN_INCIDENT_REQUIRED'],
      [valid, otherTownOfficer, 'NOT_FOUND', 'GRID_NOT_FOUND'],
    ];
    for (const [input, token, code, reason] of cases) {
      const res = await gql(suite.svc.url, REGISTER, { input }, token);
      const error = res.errors?.[0];
      expect({ input, code: error?.extensions?.code, reason: error?.extensions?.reason }).toEqual({ input, code, reason });
      expect(error?.message).toMatch(/\w+/);
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res.errors)).not.toMatch(/stack|at .*\.ts:/);
    }
    const tooLong = await gql(suite.svc.url, REGISTER, { input: { ...valid, summary: 'x'.repeat(2001) } }, admin);
    expect(tooLong.errors?.[0]?.message).toContain('summary');
    expect(await counts()).toEqual(before);

    const malformedId = await gql(suite.svc.url, `query { dispute(id: "not-a-uuid") { id } }`, {}, admin);
    expect(malformedId.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('registers a walk-in at the district centre at DISTRICT level, where the caller reaches and a committee serves', async () => {
    const grid = await suite.make.grid();
    const district = grid.path.split('.')[0];
    const admin = await suite.make.adminToken();
    await gql(
      suite.svc.url,
      `mutation($input: CreateCommitteeInput!) { createMediationCommittee(input: $input) { id } }`,
      { input: { name: '岱岳区为民协商委员会', level: 'DISTRICT', areaPath: district } },
      admin,
    );
    const districtOfficer = await tokenFor(suite.svc.keys, { roles: [Role.DISTRICT_OFFICER], areas: [district], sub: 'district-officer' });
    const villageOfficer = await tokenFor(suite.svc.keys, { roles: [Role.COMMUNITY_OFFICER], areas: [grid.areaPath] });
    const walkIn = { gridId: grid.id, kind: 'PROPERTY_MANAGEMENT', origin: 'WALK_IN', summary: '业主与物业公司纠纷' };

    const dispute = await suite.make.dispute(grid, { ...walkIn, level: 'DISTRICT' }, districtOfficer);
    expect(dispute).toMatchObject({ level: 'DISTRICT', status: 'REGISTERED' });
    const [step] = await query(suite.svc.db.url, `SELECT action, to_level AS "toLevel" FROM dispute_timeline WHERE dispute_id = $1`, [
      dispute.id,
    ]);
    expect(step).toEqual({ action: 'REGISTER', toLevel: 'DISTRICT' });
    const messages = await readTopic(suite.svc.topic('mediation'), (m) => m.some((x) => x.key === dispute.id));
    expect(messages.find((m) => m.key === dispute.id)!.value['data']).toMatchObject({ level: 'DISTRICT' });

    const before = await counts();
    const refused: [Record<string, unknown>, string, string, string][] = [
      // the district lies above a community officer's areas
      [{ ...walkIn, level: 'DISTRICT' }, villageOfficer, 'FORBIDDEN', 'LEVEL_OUT_OF_SCOPE'],
      // no town committee serves this town
      [{ ...walkIn, level: 'TOWN' }, districtOfficer, 'BAD_USER_INPUT', 'NO_COMMITTEE_AT_LEVEL'],
      [{ ...walkIn, level: 'VILLAGE' }, districtOfficer, 'BAD_USER_INPUT', 'NO_COMMITTEE_AT_LEVEL'],
      [{ ...walkIn, origin: 'REFERRAL' }, districtOfficer, 'BAD_USER_INPUT', 'DISPUTE_REFERRED_BY_REQUIRED'],
      [{ ...walkIn, referredBy: 'COURT' }, districtOfficer, 'BAD_USER_INPUT', 'DISPUTE_REFERRED_BY_UNEXPECTED'],
    ];
    for (const [input, token, code, reason] of refused) {
      const res = await gql(suite.svc.url, REGISTER, { input }, token);
      expect({ input, ...res.errors?.[0]?.extensions }).toMatchObject({ input, code, reason });
    }
    expect(await counts()).toEqual(before);

    // A court referral names the court; the database refuses a referral without a source, too.
    expect(await suite.make.dispute(grid, { ...walkIn, origin: 'REFERRAL', referredBy: 'COURT' }, districtOfficer)).toMatchObject({
      origin: 'REFERRAL',
      level: 'VILLAGE',
    });
    await expect(
      query(
        suite.svc.db.url,
        `INSERT INTO dispute (id, number, kind, summary, origin, grid_id, grid_path, registered_by)
         VALUES (gen_random_uuid(), 'TJ-2026-999999', 'FAMILY', '转介', 'REFERRAL', $1, $2::ltree, 't')`,
        [grid.id, grid.path],
      ),
    ).rejects.toThrow(/ck_dispute_referral_source/);
  });

  it('lets a mediator register only where a committee of theirs covers the level’s area', async () => {
    const [grid, neighbour] = await suite.make.grids(2);
    const sub = (name: string) => `${name}-${grid.code}`;
    await committee('VILLAGE', grid.areaPath, sub('village'));
    await committee('TOWN', grid.townPath, sub('town'));
    await committee('VILLAGE', neighbour.areaPath, sub('neighbour'));
    // Every token reaches the grid by area; only committee membership differs.
    const as = (name: string) =>
      tokenFor(suite.svc.keys, { roles: [Role.MEDIATOR], areas: [grid.townPath, neighbour.townPath], sub: sub(name) });
    const walkIn = { gridId: grid.id, kind: 'NEIGHBOURHOOD', origin: 'WALK_IN', summary: '邻里纠纷' };
    const register = async (name: string, extra: Record<string, unknown> = {}) =>
      gql<{ registerDispute: { level: string } }>(suite.svc.url, REGISTER, { input: { ...walkIn, ...extra } }, await as(name));

    expect(dataOf(await register('village')).registerDispute.level).toBe('VILLAGE');
    // The town committee covers the village below it, and takes disputes at its own level.
    expect(dataOf(await register('town')).registerDispute.level).toBe('VILLAGE');
    expect(dataOf(await register('town', { level: 'TOWN' })).registerDispute.level).toBe('TOWN');

    const before = await counts();
    const refusals: [string, Record<string, unknown>][] = [
      ['nobody', {}], // a mediator of no committee at all
      ['neighbour', {}], // the next village's mediator
      ['village', { level: 'TOWN' }], // a village committee does not cover the town
    ];
    for (const [name, extra] of refusals) {
      const res = await register(name, extra);
      expect({ name, ...res.errors?.[0]?.extensions }).toMatchObject({ name, code: 'FORBIDDEN', reason: 'MEDIATOR_NOT_ON_COMMITTEE' });
    }
    expect(await counts()).toEqual(before);
  });

  it('keeps lists to the principal’s areas and pages with a cursor', async () => {
    const [mine, theirs] = await suite.make.grids(2);
    const registered = [];
    for (let i = 0; i < 5; i++) registered.push(await suite.make.dispute(mine));
    await suite.make.dispute(theirs);
    const officer = await tokenFor(suite.svc.keys, { roles: [Role.TOWN_OFFICER], areas: [mine.townPath] });

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: {
        disputes: { totalCount: number; edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      } = dataOf(
        await gql(
          suite.svc.url,
          `query($after: String) { disputes(first: 2, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
          { after },
          officer,
        ),
      );
      expect(res.disputes.totalCount).toBe(5);
      seen.push(...res.disputes.edges.map((e) => e.node.id));
      if (!res.disputes.pageInfo.hasNextPage) break;
      after = res.disputes.pageInfo.endCursor;
    }
    expect(seen).toEqual(registered.map((d) => d.id).reverse());

    const theirDispute = dataOf(
      await gql<{ disputes: { totalCount: number } }>(
        suite.svc.url,
        `query($g: ID!) { disputes(gridId: $g) { totalCount } }`,
        { g: theirs.id },
        officer,
      ),
    );
    expect(theirDispute.disputes.totalCount).toBe(0);
  });

  it('answers Grid.disputes for 5 grid references with one SQL statement', async () => {
    const grids = await suite.make.grids(5);
    const expected: Record<string, string[]> = {};
    for (const [i, grid] of grids.entries()) {
      expected[grid.id] = [];
      for (let n = 0; n < i; n++) expected[grid.id].push((await suite.make.dispute(grid)).id);
    }
    const admin = await suite.make.adminToken();

    suite.svc.sql.record();
    const res = await gql<{ _entities: { id: string; disputes: { totalCount: number; edges: { node: { id: string } }[] } }[] }>(
      suite.svc.url,
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Grid { id disputes(first: 3) { totalCount edges { node { id } } } } } }`,
      { reps: grids.map((g) => ({ __typename: 'Grid', id: g.id })) },
      admin,
      asGateway(admin),
    );
    const statements = suite.svc.sql.stop().filter((sql) => /\bdispute\b/i.test(sql));

    const entities = dataOf(res)._entities;
    expect(entities.map((e) => e.id)).toEqual(grids.map((g) => g.id));
    for (const entity of entities) {
      const ids = expected[entity.id];
      expect(entity.disputes.totalCount).toBe(ids.length);
      expect(entity.disputes.edges.map((e) => e.node.id)).toEqual([...ids].reverse().slice(0, 3));
    }
    expect(statements).toHaveLength(1);
  });
});
