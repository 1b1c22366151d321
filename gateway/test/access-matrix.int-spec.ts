import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { ALL_ROLES, Role } from '@civgrid/auth';
import { eventually, foreignDistrictCode, gql, query, reasonOf } from '@civgrid/testing';
import { waitForReplica } from '../src/scenario';
import { startStack, Stack } from '../src/stack';
import { everyFieldId, everyRuleId, Outcome, Shape, Shown } from './access-oracle';
import { Case, Probe, READS, REFERENCE_PROBES, WRITES } from './access-probes';
import { buildWorld, freshNationalId, POSITIONS, World } from './access-world';
import { populationFixtures } from './population-fixtures';

// The authorization matrix: principals of every role and claim shape × rows in their own grid, a
// sibling grid, another village of their town and another town × every query, field, entity
// reference and mutation of the access table. Expectations come from the table (access-oracle.ts).

let stack: Stack;
let world: World;

beforeAll(async () => {
  stack = await startStack('access-matrix');
  world = await buildWorld(stack);
}, 300_000);
afterAll(async () => stack?.stop());

const PROBES: Probe[] = [...READS, ...WRITES, ...REFERENCE_PROBES];

const roleArb = fc.constantFrom(...ALL_ROLES);
const shapeArb: fc.Arbitrary<Shape> = fc.record({
  roles: fc.oneof(
    { weight: 8, arbitrary: roleArb.map((r) => [r]) },
    { weight: 3, arbitrary: fc.uniqueArray(roleArb, { minLength: 2, maxLength: 2 }) },
    { weight: 1, arbitrary: fc.constant<Role[]>([]) },
    { weight: 1, arbitrary: fc.constant<'unknown'>('unknown') },
  ),
  areas: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom<Shape['areas']>('village', 'town', 'district') },
    { weight: 1, arbitrary: fc.constantFrom<Shape['areas']>('none', 'foreign', 'malformed') },
  ),
  grids: fc.constantFrom<Shape['grids']>('own', 'own', 'none', 'stranger'),
  dept: fc.constantFrom<Shape['dept']>('D1', 'D2', 'none'),
  self: fc.boolean(),
});

function tokenOf(shape: Shape): Promise<string> {
  const areas = {
    village: [world.places.own.village.path],
    town: [world.town.path],
    district: [world.district.path],
    none: [],
    foreign: [foreignDistrictCode()],
    malformed: [''],
  }[shape.areas];
  return stack.token({
    sub: shape.self ? world.places.own.memberUserId : `probe-${randomUUID()}`,
    // An unknown role, with a trailing space as a careless IdP would send it.
    roles: shape.roles === 'unknown' ? (['ADMIN '] as unknown as Role[]) : shape.roles,
    areas,
    grids: shape.grids === 'own' ? [world.places.own.grid.id] : shape.grids === 'stranger' ? [randomUUID()] : [],
    ...(shape.dept === 'none' ? {} : { dept: world.departments[shape.dept] }),
  });
}

const LOOSER: Record<string, (Outcome | Shown)[]> = {
  refused: ['allowed'],
  unauthenticated: ['allowed', 'refused'],
  null: ['plain', 'masked'],
  masked: ['plain'],
};

interface Tally {
  tried: number;
  leaks: Case[];
  wrong: Case[];
}

function record(tally: Tally, shape: Shape, cases: Case[]): void {
  for (const c of cases) {
    tally.tried++;
    if (c.observed === c.expected) continue;
    const entry = { ...c, what: `${c.what} as ${JSON.stringify(shape)}` };
    if ((LOOSER[c.expected] ?? []).includes(c.observed as Outcome)) tally.leaks.push(entry);
    else tally.wrong.push(entry);
  }
}

async function runMatrix(seed: number, numRuns: number): Promise<Tally> {
  const tally: Tally = { tried: 0, leaks: [], wrong: [] };
  await fc.assert(
    fc.asyncProperty(
      shapeArb,
      fc.integer({ min: 0, max: PROBES.length - 1 }),
      fc.constantFrom(...POSITIONS),
      fc.boolean(),
      async (shape, probe, position, purpose) => {
        const token = await tokenOf(shape);
        record(tally, shape, await PROBES[probe].run({ stack, world, shape, token, position, purpose }));
      },
    ),
    { seed, numRuns, endOnFailure: true },
  );
  return tally;
}

describe('the authorization matrix, generated from the access table', () => {
  it('has a probe for every action and field of the table', () => {
    const covered = new Set(PROBES.flatMap((p) => p.covers));
    expect([...everyRuleId(), ...everyFieldId()].filter((id) => !covered.has(id))).toEqual([]);
  });

  it('walks every read and entity reference at every position for every role in the usual claim shapes', async () => {
    const tally: Tally = { tried: 0, leaks: [], wrong: [] };
    const shapes: Shape[] = ALL_ROLES.flatMap((role) =>
      (['village', 'town', 'district'] as const).map((areas): Shape => ({ roles: [role], areas, grids: 'own', dept: 'D1', self: false })),
    );
    for (const shape of shapes) {
      const token = await tokenOf(shape);
      for (const probe of REFERENCE_PROBES)
        record(tally, shape, await probe.run({ stack, world, shape, token, position: 'own', purpose: true }));
      for (const probe of READS) {
        for (const position of POSITIONS) {
          record(tally, shape, await probe.run({ stack, world, shape, token, position, purpose: position !== 'sibling' }));
        }
      }
    }
    process.stdout.write(
      `access matrix (every role × usual shapes × every read): ${tally.tried} cases tried, ${tally.leaks.length} leaks, ${tally.wrong.length} other mismatches\n`,
    );
    expect({ leaks: tally.leaks.slice(0, 20), wrong: tally.wrong.slice(0, 20) }).toEqual({ leaks: [], wrong: [] });
  }, 900_000);

  it.each([
    ['a fixed seed', 20260131, 2000],
    ['a random seed', Date.now() % 2 ** 31, 300],
  ])(
    'refuses, masks or allows every case as the table says (%s)',
    async (label, seed, runs) => {
      const tally = await runMatrix(seed, runs);
      process.stdout.write(
        `access matrix (${label}, seed ${seed}, ${runs} runs): ${tally.tried} cases tried, ${tally.leaks.length} leaks, ${tally.wrong.length} other mismatches\n`,
      );
      expect({ leaks: tally.leaks.slice(0, 20), wrong: tally.wrong.slice(0, 20) }).toEqual({ leaks: [], wrong: [] });
      expect(tally.tried).toBeGreaterThan(runs);
    },
    900_000,
  );
});

// ---------- the classes of what was found, one by one ----------

const INCIDENTS = `{ incidents(first: 50) { totalCount edges { node { id } } } }`;

describe('claims are checked when a token is verified', () => {
  it('refuses an empty area, an unknown role or a foreign area at the gateway and at every subgraph alike', async () => {
    const tokens = {
      emptyArea: await stack.token({ roles: [Role.DISTRICT_OFFICER], areas: [''] }),
      unknownRole: await stack.token({ roles: ['ADMIN '] as unknown as Role[], areas: [world.district.path] }),
      foreignArea: await stack.token({ roles: [Role.TOWN_OFFICER], areas: [foreignDistrictCode()] }),
      gridNotAnId: await stack.token({ roles: [Role.GRID_MEMBER], areas: [world.places.own.village.path], grids: ['g1'] }),
    };
    for (const [name, token] of Object.entries(tokens)) {
      for (const url of [stack.url, ...Object.values(stack.services).map((s) => s.url)]) {
        const res = await gql(url, `{ __typename }`, {}, token);
        expect({ name, url, ...reasonOf(res) }).toEqual({ name, url, code: 'UNAUTHENTICATED', reason: 'TOKEN_CLAIMS_INVALID' });
      }
    }
  });

  it('gives a token with no role nothing: no incidents, whistles, members or residents', async () => {
    const nobody = await stack.token({ roles: [], areas: [world.district.path], grids: [world.places.own.grid.id] });
    for (const q of [
      INCIDENTS,
      `{ whistles(first: 5) { totalCount } }`,
      `{ gridMembers(first: 5) { totalCount } }`,
      `query($id: ID!) { resident(id: $id) { id } }`,
      `{ departments(first: 1) { totalCount } }`,
    ]) {
      const res = await gql(stack.url, q, { id: world.places.own.resident.id }, nobody);
      expect({ q, ...reasonOf(res), data: res.data ?? null }).toEqual({ q, code: 'FORBIDDEN', reason: 'ROLE_REQUIRED', data: null });
    }
  });
});

describe('mutations resolve every id they are given in the caller’s reach', () => {
  const officerOfTownA = () => stack.token({ roles: [Role.TOWN_OFFICER], areas: [world.town.path], sub: `town-a-${randomUUID()}` });

  it('does not let a town officer register a dispute from another town’s incident, nor from an incident that does not exist', async () => {
    const register = (originIncidentId: string, token: string) =>
      gql(
        stack.url,
        `mutation($i: RegisterDisputeInput!) { registerDispute(input: $i) { id } }`,
        { i: { gridId: world.places.own.grid.id, kind: 'OTHER', origin: 'INCIDENT', originIncidentId, summary: '转来' } },
        token,
      );
    const admin = await stack.token({ roles: [Role.ADMIN], sub: 'admin' });
    // An incident of its own, so that no other test's dispute is linked to it.
    const theirs = await gql<{ reportIncident: { id: string } }>(
      stack.url,
      `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }`,
      { i: { gridId: world.places.otherTown.grid.id, title: '邻里纠纷', category: 'DISPUTE' } },
      admin,
    );
    const incidentId = theirs.data!.reportIncident.id;
    await waitForReplica(stack, 'dispute-mediation', [incidentId], 30_000, 'incident_replica');
    const townA = await officerOfTownA();
    expect(reasonOf(await register(incidentId, townA))).toEqual({ code: 'NOT_FOUND', reason: 'INCIDENT_NOT_FOUND' });
    expect(reasonOf(await register(randomUUID(), admin))).toEqual({ code: 'NOT_FOUND', reason: 'INCIDENT_NOT_FOUND' });
    const [linked] = await query(stack.services['dispute-mediation'].db.url, 'SELECT 1 FROM dispute WHERE origin_incident_id = $1', [
      incidentId,
    ]);
    expect(linked).toBeUndefined();
  });

  it('takes as the member who answers for a wellbeing check only one who works on the resident’s grid', async () => {
    const p = populationFixtures(stack);
    const household = await p.household(world.places.own.grid.id);
    const resident = await p.resident(household.id);
    const admin = await stack.token({ roles: [Role.ADMIN] });
    const ask = (memberId: string) =>
      gql(
        stack.url,
        `mutation($i: AgreeWellbeingCheckInput!) { agreeWellbeingCheck(input: $i) { id } }`,
        { i: { residentId: resident.id, signal: 'CURTAINS_OPENED', deadline: '07:30', responsibleMemberId: memberId } },
        admin,
      );
    // The member who leads the resident's grid is known once grid organisation's events arrived.
    expect(reasonOf(await ask(randomUUID()))).toEqual({ code: 'NOT_FOUND', reason: 'MEMBER_NOT_FOUND' });
    expect(reasonOf(await ask(world.places.otherTown.memberId))).toEqual({ code: 'NOT_FOUND', reason: 'MEMBER_NOT_FOUND' });
    await eventually(async () => {
      const res = await ask(world.places.own.memberId);
      return res.errors ? undefined : res;
    });
  });

  it('does not move a resident out of another town, nor hand their ID and phone to an officer there, without their ID card', async () => {
    const p = populationFixtures(stack);
    const theirs = await p.household(world.places.otherTown.grid.id);
    const person = await p.resident(theirs.id, { nationalId: freshNationalId() });
    await p.ok(`mutation($i: ChangeResidentStatusInput!) { changeResidentStatus(input: $i) { id } }`, {
      i: { residentId: person.id, status: 'MOVED_OUT', reason: '迁出' },
    });
    const mine = await p.household(world.places.own.grid.id);
    const townA = await officerOfTownA();
    const returned = (input: Record<string, unknown>) =>
      gql<{ recordResidentReturned: { nationalId: string; phone: string | null } }>(
        stack.url,
        `mutation($i: RecordResidentReturnedInput!) { recordResidentReturned(input: $i) { nationalId(purpose: "登记返回") phone(purpose: "登记返回") } }`,
        { i: { householdId: mine.id, relation: '户主', reason: '返乡', ...input } },
        townA,
      );
    const byId = await returned({ residentId: person.id });
    expect(reasonOf(byId)).toEqual({ code: 'NOT_FOUND', reason: 'RESIDENT_NOT_FOUND' });
    expect(JSON.stringify(byId)).not.toContain(person.nationalId);
    expect(JSON.stringify(byId)).not.toContain(person.phone);
    // With the ID card in hand (the number itself), the return is recorded, and audited.
    const byCard = await returned({ nationalId: person.nationalId });
    expect(byCard.errors).toBeUndefined();
    const audits = await query<{ fields: string[] }>(
      stack.services['population-registry'].db.url,
      `SELECT fields FROM pii_audit WHERE subject_id = $1 AND 'nationalId:return' = ANY(fields)`,
      [person.id],
    );
    expect(audits).toHaveLength(1);
  });
});

describe('department officers see what concerns their department', () => {
  it('with district-wide areas: only the incidents, whistles and disputes of their own department', async () => {
    const officer = await stack.token({ roles: [Role.DEPARTMENT_OFFICER], areas: [world.district.path], dept: world.departments.D1 });
    const mine = POSITIONS.filter((pos) => world.places[pos].whistledTo === 'D1');
    const ids = (data: { [k: string]: { edges: { node: { id: string } }[] } }, key: string) => data[key].edges.map((e) => e.node.id).sort();
    const res = await gql<{ [k: string]: { edges: { node: { id: string } }[] } }>(
      stack.url,
      `{ incidents(first: 100) { edges { node { id } } } whistles(first: 100) { edges { node { id } } } disputes(first: 100) { edges { node { id } } } }`,
      {},
      officer,
    );
    expect(res.errors).toBeUndefined();
    expect(ids(res.data!, 'incidents')).toEqual(mine.map((pos) => world.places[pos].incidentId).sort());
    expect(ids(res.data!, 'whistles')).toEqual(mine.map((pos) => world.places[pos].whistleId).sort());
    expect(ids(res.data!, 'disputes')).toEqual(
      POSITIONS.filter((pos) => world.places[pos].seated === 'D1')
        .map((pos) => world.places[pos].disputeId)
        .sort(),
    );
  });

  it('without any area: opens the incident whistled to them, with its grid, and not another', async () => {
    const officer = await stack.token({ roles: [Role.DEPARTMENT_OFFICER], dept: world.departments.D1 });
    const open = (id: string) =>
      gql<{ incident: { title: string; grid: { id: string } } }>(
        stack.url,
        `query($id: ID!) { incident(id: $id) { title grid { id } } }`,
        { id },
        officer,
      );
    const res = await open(world.places.otherTown.incidentId);
    expect(res.errors).toBeUndefined();
    expect(res.data!.incident).toEqual({ title: '楼道堆物 otherTown', grid: { id: world.places.otherTown.grid.id } });
    expect(reasonOf(await open(world.places.sibling.incidentId))).toEqual({ code: 'NOT_FOUND', reason: 'INCIDENT_NOT_FOUND' });
  });
});

describe('analysts see shape, never words or people', () => {
  it('reads incidents without their text, place or people, and reads the counts', async () => {
    const analyst = await stack.token({ roles: [Role.ANALYST], areas: [world.district.path] });
    const res = await gql<{
      incident: Record<string, unknown>;
      areaVisitCoverage: { households: number };
      gridHealth: { checkedAt: string };
    }>(
      stack.url,
      `query($id: ID!, $a: String!) {
         incident(id: $id) { category status title description reportedBy assigneeId location { addressText latitude longitude dwelling { id } } photos { id } timeline { action actorId note } }
         areaVisitCoverage(areaPath: $a) { households }
         gridHealth(areaPath: $a) { checkedAt }
       }`,
      { id: world.places.own.incidentId, a: world.district.path },
      analyst,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.incident).toMatchObject({
      category: 'PUBLIC_SAFETY',
      status: 'CLOSED',
      title: null,
      description: null,
      reportedBy: null,
      assigneeId: null,
      location: { addressText: null, latitude: null, longitude: null, dwelling: null },
      photos: null,
    });
    // The resident's phone the reporter wrote into the description never reaches the analyst.
    expect(JSON.stringify(res.data)).not.toMatch(/13812345678|侯芳功/);
    expect(
      (res.data!.incident['timeline'] as { actorId: unknown; note: unknown }[]).every((t) => t.actorId === null && t.note === null),
    ).toBe(true);
    expect(res.data!.areaVisitCoverage.households).toBeGreaterThanOrEqual(POSITIONS.length);
  });
});
