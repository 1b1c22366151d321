import { Kafka, logLevel, Producer } from 'kafkajs';
import { Role } from '@civgrid/auth';
import { GridHouseholdCountChangedData, PopulationCountEvents } from '@civgrid/contracts';
import { CLOUDEVENTS_CONTENT_TYPE, toCloudEvent } from '@civgrid/events';
import { eventually, kafkaBrokers, query } from '@civgrid/testing';
import { Stack, startStack } from '../src/stack';
import { Area, gridFixtures, reasonOf } from './grid-fixtures';

let stack: Stack;
let make: ReturnType<typeof gridFixtures>;
let producer: Producer;

beforeAll(async () => {
  stack = await startStack('grid-health', {}, ['grid-organisation']);
  make = gridFixtures(stack);
  const kafka = new Kafka({ clientId: 'grid-health-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  // The service makes the topics it consumes when it starts; publish only once it has.
  const admin = kafka.admin();
  await admin.connect();
  await eventually(async () =>
    (await admin.listTopics()).includes(stack.services['grid-organisation'].topic('population')) ? true : undefined,
  );
  await admin.disconnect();
  producer = kafka.producer();
  await producer.connect();
}, 60_000);
afterAll(async () => {
  await producer?.disconnect();
  await stack?.stop();
}, 60_000);

/** What the population registry will publish: a real CloudEvent on its own topic, keyed by grid. */
async function publishCounts(gridId: string, households: number, asOf = new Date()): Promise<string> {
  const data: GridHouseholdCountChangedData = { gridId, households, residents: households * 3, asOf: asOf.toISOString() };
  const event = toCloudEvent('/civgrid/population-registry', {
    type: PopulationCountEvents.gridHouseholdCountChanged,
    aggregateType: 'Grid',
    aggregateId: gridId,
    data,
  });
  await producer.send({
    topic: stack.services['grid-organisation'].topic('population'),
    acks: -1,
    messages: [{ key: gridId, value: JSON.stringify(event), headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE } }],
  });
  return event.id;
}

/** The consumer records an event's id in the transaction of its effect: once the row is there, the event has been applied. */
const applied = (eventId: string) =>
  eventually(async () => {
    const rows = await query(stack.services['grid-organisation'].db.url, `SELECT 1 FROM inbox WHERE event_id = $1`, [eventId]);
    return rows.length > 0 ? true : undefined;
  });

interface Health {
  totals: { activeGrids: number; tooLarge: number; overlapping: number; unstaffed: number; memberOverloaded: number };
  thresholds: { maxHouseholds: number; maxGridsPerMember: number };
  problems: {
    kind: string;
    description: string;
    households: number | null;
    coverageKeys: string[];
    boundariesOverlap: boolean;
    grids: { code: string }[];
    member: { id: string } | null;
  }[];
}
const health = async (area: Area, token?: string) =>
  (
    await make.ok<{ gridHealth: Health }>(
      `query($path: String!) { gridHealth(areaPath: $path) {
         totals { activeGrids tooLarge overlapping unstaffed memberOverloaded } thresholds { maxHouseholds maxGridsPerMember }
         problems { kind description households coverageKeys boundariesOverlap grids { code } member { id } } } }`,
      { path: area.path },
      token,
    )
  ).gridHealth;

const square = (x: number, y: number, size: number) => ({
  coordinates: [
    [
      [x, y],
      [x + size, y],
      [x + size, y + size],
      [x, y + size],
      [x, y],
    ],
  ],
});

const problemsOf = (h: Health, kind: string) => h.problems.filter((p) => p.kind === kind);

describe('grid health', () => {
  it('finds a grid too large once the population registry reports its households, and lets it go when a newer count is lower', async () => {
    const { village, total } = await make.tree();
    const [big, small] = [await make.basic(village, total, ['1号楼']), await make.basic(village, total, ['2号楼'])];
    expect((await health(village)).totals.tooLarge).toBe(0);

    await publishCounts(big.id, 600);
    await publishCounts(small.id, 120);
    const report = await eventually(async () => {
      const h = await health(village);
      return h.totals.tooLarge > 0 ? h : undefined;
    });
    expect(report.thresholds).toEqual({ maxHouseholds: 500, maxGridsPerMember: 3 });
    expect(problemsOf(report, 'TOO_LARGE')).toEqual([
      {
        kind: 'TOO_LARGE',
        description: `Grid ${big.code} has 600 households, more than 500.`,
        households: 600,
        coverageKeys: [],
        boundariesOverlap: false,
        grids: [{ code: big.code }],
        member: null,
      },
    ]);

    // A later count brings it under the threshold; an older one arriving late changes nothing.
    await publishCounts(big.id, 450);
    const late = await publishCounts(big.id, 900, new Date(Date.now() - 3_600_000));
    await applied(late);
    expect((await health(village)).totals.tooLarge).toBe(0);
    const counts = await make.ok<{ grid: { populationCounts: { households: number; residents: number } } }>(
      `query($id: ID!) { grid(id: $id) { populationCounts { households residents } } }`,
      { id: big.id },
    );
    expect(counts.grid.populationCounts).toEqual({ households: 450, residents: 1350 });
  });

  it('finds grids that overlap by a shared building or by their outlines, but not neighbours or a grid and its own sub-grids', async () => {
    const { village, total } = await make.tree();
    const a = await make.basic(village, total, ['1号楼', '2号楼']);
    const b = await make.basic(village, total, ['2号楼', '3号楼']);
    const c = await make.basic(village, total, ['4号楼'], { boundary: square(117.1, 36.2, 0.01) });
    const d = await make.basic(village, total, ['5号楼'], { boundary: square(117.102, 36.205, 0.005) });
    await make.basic(village, total, ['6号楼'], { boundary: square(117.11, 36.2, 0.01) }); // shares c's eastern border only
    await make.grid(village, { kind: 'MICRO', parentGridId: a.id, coverage: [{ kind: 'BUILDING', name: '1号楼' }] }); // inside a, by design
    const report = await health(village);
    expect(report.totals.overlapping).toBe(2);
    expect(
      problemsOf(report, 'OVERLAPPING')
        .map((p) => [p.grids.map((g) => g.code).sort(), p.coverageKeys, p.boundariesOverlap])
        .sort(),
    ).toEqual(
      [
        [[a.code, b.code].sort(), ['BUILDING:2号楼'], false],
        [[c.code, d.code].sort(), [], true],
      ].sort(),
    );

    // Moving the shared building to one grid clears that overlap.
    await make.ok(`mutation($input: MoveCoverageInput!) { moveCoverage(input: $input) { id } }`, {
      input: { fromGridId: b.id, toGridId: a.id, coverageKeys: ['BUILDING:2号楼'], reason: '2号楼只归一个网格' },
    });
    expect(problemsOf(await health(village), 'OVERLAPPING').map((p) => p.grids.map((g) => g.code).sort())).toEqual([
      [c.code, d.code].sort(),
    ]);
  });

  it('finds grids nobody is assigned to, until someone is', async () => {
    const { village, total } = await make.tree();
    const staffed = await make.basic(village, total, ['1号楼']);
    const empty = await make.basic(village, total, ['2号楼']);
    await make.assign((await make.member(village)).id, total.id, 'GRID_LEADER');
    await make.assign((await make.member(village)).id, staffed.id, 'BUILDING_LEADER');
    const report = await health(village);
    expect(problemsOf(report, 'UNSTAFFED').map((p) => [p.description, p.grids.map((g) => g.code)])).toEqual([
      [`Nobody is assigned to grid ${empty.code}.`, [empty.code]],
    ]);
    await make.assign((await make.member(village)).id, empty.id, 'GRID_MEMBER');
    expect((await health(village)).totals.unstaffed).toBe(0);
  });

  it('finds members carrying too many grids, or grids with too many households together', async () => {
    const { village, total } = await make.tree();
    const grids = [
      total,
      await make.basic(village, total, ['1号楼']),
      await make.basic(village, total, ['2号楼']),
      await make.basic(village, total, ['3号楼']),
    ];
    const [busy, heavy, fine] = [await make.member(village), await make.member(village), await make.member(village)];
    for (const g of grids) expect((await make.assign(busy.id, g.id, 'GRID_MEMBER')).errors).toBeUndefined();
    for (const g of grids.slice(1, 3)) expect((await make.assign(heavy.id, g.id, 'GRID_LEADER')).errors).toBeUndefined();
    expect((await make.assign(fine.id, grids[3].id, 'GRID_LEADER')).errors).toBeUndefined();
    await publishCounts(grids[1].id, 480);
    await publishCounts(grids[2].id, 420);
    const report = await eventually(async () => {
      const h = await health(village);
      return h.totals.memberOverloaded === 2 ? h : undefined;
    });
    expect(
      problemsOf(report, 'MEMBER_OVERLOADED')
        .map((p) => [p.member!.id, p.grids.length, p.households])
        .sort(),
    ).toEqual(
      [
        [busy.id, 4, 900],
        [heavy.id, 2, 900],
      ].sort(),
    );
  });

  it('answers a town officer for their villages and refuses a grid member without grids and other towns', async () => {
    const { district, town, village } = await make.tree();
    const townOfficer = await stack.token({ roles: [Role.TOWN_OFFICER], areas: [town.path] });
    expect((await health(village, townOfficer)).totals.activeGrids).toBe(1);
    const gridMember = await stack.token({ roles: [Role.GRID_MEMBER], areas: [village.path] });
    const ask = (path: string, token: string) =>
      make.call(`query($p: String!) { gridHealth(areaPath: $p) { checkedAt } }`, { p: path }, token);
    // Counts are readable to a grid member for their own grids only: a token naming none reaches nothing.
    expect(reasonOf(await ask(village.path, gridMember))).toEqual({ code: 'FORBIDDEN', reason: 'OUT_OF_SCOPE' });
    expect(reasonOf(await ask(district.path, townOfficer))).toEqual({ code: 'FORBIDDEN', reason: 'OUT_OF_SCOPE' });
  });
});
