import { randomUUID } from 'node:crypto';
import { Role } from '@civgrid/auth';
import { catalogue, GridEvents, IncidentEvents } from '@civgrid/contracts';
import { dataOf, eventually, gql, query, readTopic } from '@civgrid/testing';
import { startTestService, TestService } from '@civgrid/service-testing';
import { incidentReporting } from '../src';
import { factories, Incident, INCIDENT } from './factories';

let svc: TestService;
let make: ReturnType<typeof factories>;

beforeAll(async () => {
  svc = await startTestService(incidentReporting);
  make = factories(svc);
});
afterAll(async () => {
  await make?.stop();
  await svc?.stop();
});

const counts = (url: string) =>
  query(url, 'SELECT (SELECT count(*)::int FROM incident) AS incidents, (SELECT count(*)::int FROM outbox) AS events');

/** The year in Daiyue (UTC+8), which the incident number carries. */
const localYear = (iso: string): string =>
  new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date(iso));

describe('incident reporting', () => {
  it('keeps a replica of the grids it hears about on the grid topic', async () => {
    const data = make.gridData();
    await make.publishGrids([{ data }]);
    const row = await eventually(async () => {
      const rows = await query(
        svc.db.url,
        'SELECT id, code, path::text AS path, area_path::text AS "areaPath", status FROM grid_replica WHERE id = $1',
        [data.gridId],
      );
      return rows[0];
    });
    expect(row).toEqual({ id: data.gridId, code: data.code, path: data.path, areaPath: data.areaPath, status: 'ACTIVE' });

    await make.publishGrids([{ data: { ...data, status: 'RETIRED' }, type: GridEvents.retired, time: new Date(Date.now() + 1000) }]);
    await eventually(async () => {
      const [r] = await query<{ status: string }>(svc.db.url, 'SELECT status FROM grid_replica WHERE id = $1', [data.gridId]);
      return r?.status === 'RETIRED' ? true : undefined;
    });
  });

  it('stores a reported incident with a DY number and publishes an incident-reported event without its text', async () => {
    const grid = await make.grid();
    const member = await make.member(grid);
    const title = `井盖缺失 ${randomUUID()}`;
    const description = `东湖社区3号楼前井盖丢失，老人夜里出门危险 ${randomUUID()}`;
    const incident = dataOf(
      await make.report(member, { gridId: grid.id, title, description, category: 'PUBLIC_SAFETY', priority: 'HIGH' }),
    ).reportIncident;

    expect(incident).toMatchObject({ title, status: 'REPORTED', grid: { id: grid.id } });
    expect(incident.number).toMatch(/^DY-\d{4}-\d{6}$/);
    expect(incident.number.slice(3, 7)).toBe(localYear(incident.reportedAt));

    const rows = await query(
      svc.db.url,
      `SELECT number, title, description, category::text, priority::text, source::text, grid_id AS "gridId", grid_path::text AS "gridPath"
         FROM incident WHERE id = $1`,
      [incident.id],
    );
    expect(rows).toEqual([
      {
        number: incident.number,
        title,
        description,
        category: 'PUBLIC_SAFETY',
        priority: 'HIGH',
        source: 'GRID_PATROL',
        gridId: grid.id,
        gridPath: grid.path,
      },
    ]);

    const messages = await readTopic(svc.topic('incident'), (m) => m.some((x) => x.key === incident.id));
    const event = messages.find((m) => m.key === incident.id)!;
    expect(event.headers['content-type']).toContain('application/cloudevents+json');
    expect(event.value).toMatchObject({
      specversion: '1.0',
      type: IncidentEvents.reported,
      source: '/civgrid/incident-reporting',
      subject: incident.id,
      time: incident.reportedAt,
      data: {
        incidentId: incident.id,
        number: incident.number,
        gridId: grid.id,
        gridPath: grid.path,
        category: 'PUBLIC_SAFETY',
        priority: 'HIGH',
        source: 'GRID_PATROL',
        reportedAt: incident.reportedAt,
      },
    });
    expect(() => catalogue.validate(IncidentEvents.reported, event.value['data'])).not.toThrow();
    const wire = JSON.stringify(event.value);
    expect(wire).not.toContain(title);
    expect(wire).not.toContain(description);
    expect(wire).not.toContain('井盖');
  });

  it('numbers incidents per local year, starting again at 000001 in a new year, and says so when a year runs out', async () => {
    const grid = await make.grid();
    const member = await make.member(grid);
    const at = async (iso: string, title = '路灯不亮') => {
      svc.clock.set(new Date(iso));
      try {
        return await make.report(member, { gridId: grid.id, title });
      } finally {
        svc.clock.set(null);
      }
    };
    // 23:59 on 31 December in Daiyue is still 2031; one minute later it is 2032 (UTC+8), whatever UTC says.
    const last = dataOf(await at('2031-12-31T15:59:00Z')).reportIncident.number;
    const again = dataOf(await at('2031-12-31T15:59:30Z')).reportIncident.number;
    expect(last).toBe('DY-2031-000001');
    expect(again).toBe('DY-2031-000002');
    expect(dataOf(await at('2031-12-31T16:00:30Z')).reportIncident.number).toBe('DY-2032-000001');

    await query(svc.db.url, `INSERT INTO incident_number_counter (year, last_number) VALUES (2033, 999999)`);
    const before = await counts(svc.db.url);
    const full = await at('2033-06-01T00:00:00Z', '2033 年的最后一件');
    expect(full.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'INCIDENT_NUMBERS_EXHAUSTED' });
    expect(await counts(svc.db.url)).toEqual(before);
  });

  it('turns retries with the same idempotency key, even concurrent ones, into one incident and one event', async () => {
    const grid = await make.grid();
    const member = await make.member(grid);
    const idempotencyKey = randomUUID();
    const input = { gridId: grid.id, title: '垃圾未清运', category: 'ENVIRONMENT_SANITATION', idempotencyKey };

    const answers = await Promise.all([make.report(member, input), make.report(member, input), make.report(member, input)]);
    const ids = answers.map((a) => dataOf(a).reportIncident.id);
    expect(new Set(ids).size).toBe(1);
    const retry = dataOf(await make.report(member, input)).reportIncident;
    expect(retry.id).toBe(ids[0]);

    const [stored] = await query(
      svc.db.url,
      `SELECT (SELECT count(*)::int FROM incident WHERE idempotency_key = $1) AS incidents,
              (SELECT count(*)::int FROM outbox WHERE aggregateid = $2) AS events`,
      [idempotencyKey, ids[0]],
    );
    expect(stored).toEqual({ incidents: 1, events: 1 });
    const messages = await readTopic(svc.topic('incident'), (m) => m.some((x) => x.key === ids[0]));
    expect(messages.filter((m) => m.key === ids[0])).toHaveLength(1);

    // The same key for a different report is a client bug, not a retry; another reporter's key is theirs alone.
    const reused = await make.report(member, { ...input, title: '另一件事' });
    expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    const other = dataOf(await make.report(await make.member(grid), input)).reportIncident;
    expect(other.id).not.toBe(ids[0]);
  });

  it('refuses unknown grids, bad input and grids out of reach, with clear codes and nothing written', async () => {
    const [mine, elsewhere, retired] = await make.grids(3);
    await make.retire(retired);
    const member = await make.member(mine, retired);
    // In the member's own village: only the grid assignment keeps them out.
    const sameVillage = await make.grid({ areaPath: mine.areaPath });
    const townOfficer = await make.officer(Role.TOWN_OFFICER, mine.areaPath.split('.').slice(0, 2).join('.'));
    const before = await counts(svc.db.url);

    const cases: [string, Record<string, unknown>, string, string | undefined][] = [
      ['unknown grid', { gridId: randomUUID() }, 'NOT_FOUND', 'GRID_NOT_FOUND'],
      ['malformed id', { gridId: 'not-a-uuid' }, 'BAD_USER_INPUT', 'INVALID_INPUT'],
      ['unknown enum', { gridId: mine.id, category: 'VOLCANO' }, 'BAD_USER_INPUT', undefined],
      ['201-char title', { gridId: mine.id, title: 'x'.repeat(201) }, 'BAD_USER_INPUT', 'INVALID_INPUT'],
      ['blank title', { gridId: mine.id, title: '   ' }, 'BAD_USER_INPUT', 'INVALID_INPUT'],
      ['short idempotency key', { gridId: mine.id, idempotencyKey: 'abc' }, 'BAD_USER_INPUT', 'INVALID_INPUT'],
      // A grid out of reach does not exist for the reporter: the same answer as an unknown grid.
      ['grid not theirs', { gridId: sameVillage.id }, 'NOT_FOUND', 'GRID_NOT_FOUND'],
      ['grid outside their areas', { gridId: elsewhere.id }, 'NOT_FOUND', 'GRID_NOT_FOUND'],
      ['retired grid', { gridId: retired.id }, 'CONFLICT', 'GRID_RETIRED'],
    ];
    for (const [what, input, code, reason] of cases) {
      const res = await make.report(member, input);
      expect({ what, code: res.errors?.[0]?.extensions?.code, reason: res.errors?.[0]?.extensions?.reason }).toEqual({
        what,
        code,
        reason,
      });
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res.errors)).not.toMatch(/stack|at .*\.ts:/);
    }
    const tooLong = await make.report(member, { gridId: mine.id, title: 'x'.repeat(201) });
    expect(tooLong.errors?.[0]?.message).toContain('title');

    const outOfTown = await make.report(townOfficer, { gridId: elsewhere.id });
    expect(outOfTown.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'GRID_NOT_FOUND' });
    const analyst = await make.officer(Role.ANALYST, mine.areaPath);
    const noRole = await make.report(analyst, { gridId: mine.id });
    expect(noRole.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });

    expect(await counts(svc.db.url)).toEqual(before);
  });

  it('shows each user only the incidents in their scope, newest first, page by page', async () => {
    const [a, b] = await make.grids(2);
    const memberA = await make.member(a);
    const reported: Incident[] = [];
    for (let i = 0; i < 5; i++) reported.push(dataOf(await make.report(memberA, { gridId: a.id, title: `A${i}` })).reportIncident);
    const inB = dataOf(await make.report(await make.member(b), { gridId: b.id, title: 'B' })).reportIncident;

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: {
        incidents: { totalCount: number; edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      } = dataOf(
        await gql(
          svc.url,
          `query($after: String) { incidents(first: 2, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
          { after },
          memberA,
        ),
      );
      expect(res.incidents.totalCount).toBe(5);
      seen.push(...res.incidents.edges.map((e) => e.node.id));
      if (!res.incidents.pageInfo.hasNextPage) break;
      after = res.incidents.pageInfo.endCursor;
    }
    expect(seen).toEqual(reported.map((r) => r.id).reverse());

    const hidden = await gql(svc.url, `query($id: ID!) { incident(id: $id) { id } }`, { id: inB.id }, memberA);
    expect(hidden.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'INCIDENT_NOT_FOUND' });
    const officer = await make.officer(Role.COMMUNITY_OFFICER, b.areaPath);
    const visible = dataOf(
      await gql<{ incident: Incident }>(svc.url, `query($id: ID!) { incident(id: $id) { ${INCIDENT} } }`, { id: inB.id }, officer),
    );
    expect(visible.incident).toEqual(inB);
  });

  it('answers Grid.incidents for a batch of grid references with one SQL statement', async () => {
    const grids = await make.grids(5);
    const member = await make.member(...grids);
    const inFirst = [];
    for (let i = 0; i < 3; i++)
      inFirst.push(dataOf(await make.report(member, { gridId: grids[0].id, title: `第一格 ${i}` })).reportIncident);
    const inThird = dataOf(await make.report(member, { gridId: grids[2].id, title: '第三格' })).reportIncident;
    const admin = await make.admin();

    svc.sql.record();
    const res = dataOf(
      await gql<{
        _entities: {
          id: string;
          incidents: { totalCount: number; edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean } };
        }[];
      }>(
        svc.url,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Grid { id incidents(first: 2) { totalCount edges { node { id } } pageInfo { hasNextPage } } } } }`,
        { r: grids.map((g) => ({ __typename: 'Grid', id: g.id })) },
        admin,
      ),
    );
    const statements = svc.sql.stop().filter((s) => /\bincident\b/.test(s));
    expect(statements).toHaveLength(1);

    expect(res._entities.map((g) => g.id)).toEqual(grids.map((g) => g.id));
    expect(res._entities.map((g) => g.incidents.totalCount)).toEqual([3, 0, 1, 0, 0]);
    expect(res._entities[0].incidents.edges.map((e) => e.node.id)).toEqual([inFirst[2].id, inFirst[1].id]);
    expect(res._entities[0].incidents.pageInfo.hasNextPage).toBe(true);
    expect(res._entities[2].incidents.edges.map((e) => e.node.id)).toEqual([inThird.id]);

    // Incident references are batched the same way, and Incident.grid is a stub for the gateway.
    svc.sql.record();
    const refs = dataOf(
      await gql<{ _entities: { id: string; number: string; grid: { id: string } }[] }>(
        svc.url,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Incident { id number grid { id } } } }`,
        { r: [...inFirst, inThird].map((i) => ({ __typename: 'Incident', id: i.id })) },
        admin,
      ),
    );
    expect(svc.sql.stop().filter((s) => /\bincident\b/.test(s))).toHaveLength(1);
    expect(refs._entities).toEqual([...inFirst, inThird].map((i) => ({ id: i.id, number: i.number, grid: { id: i.grid.id } })));
  });
});
