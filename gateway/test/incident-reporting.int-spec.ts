import { createHash, randomUUID } from 'node:crypto';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { Role } from '@civgrid/auth';
import { catalogue, DisputeClosedData, IncidentEvents, ReactionEvents, WellbeingCheckMissedData } from '@civgrid/contracts';
import { CLOUDEVENTS_CONTENT_TYPE, CloudEvent, toCloudEvent } from '@civgrid/events';
import {
  asGateway,
  eventually,
  gql,
  GraphqlResponse,
  kafkaBrokers,
  query,
  readTopic,
  reasonOf,
  ReceivedMessage,
  testDistrictCode,
} from '@civgrid/testing';
import { createTree, Tree, waitForReplica } from '../src/scenario';
import { announcedResidents } from './population-fixtures';
import { Stack, startStack } from '../src/stack';

const SERVICE = 'incident-reporting';
let stack: Stack;
let admin: string;
let producer: Producer;

beforeAll(async () => {
  stack = await startStack('incident', {}, ['grid-organisation', SERVICE]);
  admin = await stack.token({ roles: [Role.ADMIN] });
  const kafka = new Kafka({ clientId: 'incident-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  // The service makes the topics it consumes when it starts; publish only once it has.
  await eventually(async () => {
    const topics = await kafkaAdmin.listTopics();
    return topics.includes(svc().topic('population')) && topics.includes(svc().topic('mediation')) ? true : undefined;
  });
  await kafkaAdmin.disconnect();
  producer = kafka.producer();
  await producer.connect();
}, 120_000);
afterAll(async () => {
  await producer?.disconnect();
  await stack?.stop();
}, 60_000);

const svc = () => stack.services[SERVICE];
const base = () => svc().url.replace(/\/graphql$/, '');

// ---------- people and places ----------

interface World {
  tree: Tree;
  gridId: string;
  member: string;
  memberId: string;
  officer: string;
  town: string;
}

/** A district → town → village with two grids, a grid member of the first, a community and a town officer. */
async function world(): Promise<World> {
  const tree = await createTree(stack.url, admin, 2);
  await waitForReplica(stack, SERVICE, tree.gridIds);
  const memberId = `member-${randomUUID()}`;
  return {
    tree,
    gridId: tree.gridIds[0],
    memberId,
    member: await stack.token({ sub: memberId, roles: [Role.GRID_MEMBER], areas: [tree.village.path], grids: [tree.gridIds[0]] }),
    officer: await stack.token({ sub: `officer-${randomUUID()}`, roles: [Role.COMMUNITY_OFFICER], areas: [tree.village.path] }),
    town: await stack.token({ sub: `town-${randomUUID()}`, roles: [Role.TOWN_OFFICER], areas: [tree.town.path] }),
  };
}

const FIELDS = `id number status category subcategory priority source escalationLevel overdue rejectionReason acceptDueAt resolveDueAt reportedBy assigneeId
  location { addressText latitude longitude dwelling { id } } photos { id contentType sha256 url }
  timeline { action from to actorId note } allowedActions`;

interface Incident {
  id: string;
  number: string;
  status: string;
  category: string;
  subcategory: string | null;
  priority: string;
  source: string;
  escalationLevel: string;
  overdue: boolean;
  rejectionReason: string | null;
  acceptDueAt: string;
  resolveDueAt: string;
  reportedBy: string;
  assigneeId: string | null;
  location: { addressText: string | null; latitude: number | null; longitude: number | null; dwelling: { id: string } | null };
  photos: { id: string; contentType: string; sha256: string; url: string }[];
  timeline: { action: string; from: string | null; to: string; actorId: string; note: string | null }[];
  allowedActions: string[];
}

async function ok<D>(q: string, variables: Record<string, unknown>, token: string): Promise<D> {
  const res = await gql<D>(stack.url, q, variables, token);
  if (res.errors?.length || !res.data) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

async function report(token: string, input: Record<string, unknown>): Promise<Incident> {
  return (
    await ok<{ reportIncident: Incident }>(
      `mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { ${FIELDS} } }`,
      {
        input: {
          title: '楼顶太阳能未拆除',
          description: 'The solar heater on the roof was not removed.',
          category: 'PROPERTY_MANAGEMENT',
          ...input,
        },
      },
      token,
    )
  ).reportIncident;
}

const get = async (id: string, token = admin) =>
  (await ok<{ incident: Incident }>(`query($id: ID!) { incident(id: $id) { ${FIELDS} } }`, { id }, token)).incident;

const MUTATIONS: Record<string, string> = {
  ACCEPT: 'acceptIncident',
  START: 'startIncidentWork',
  RESOLVE: 'resolveIncident',
  CLOSE: 'closeIncident',
  REOPEN: 'reopenIncident',
  REJECT: 'rejectIncident',
};

function step(action: string, id: string, token: string, note?: string): Promise<GraphqlResponse<Record<string, Incident>>> {
  const name = MUTATIONS[action];
  const type = action === 'REJECT' ? 'RejectIncidentInput' : 'IncidentStepInput';
  const input = action === 'REJECT' ? { id, reason: note ?? 'Not a matter for the community.' } : { id, ...(note ? { note } : {}) };
  return gql<Record<string, Incident>>(stack.url, `mutation($input: ${type}!) { ${name}(input: $input) { ${FIELDS} } }`, { input }, token);
}

async function go(action: string, id: string, token: string): Promise<Incident> {
  const res = await step(action, id, token);
  if (res.errors?.length || !res.data) throw new Error(`${action}: ${JSON.stringify(res.errors)}`);
  return res.data[MUTATIONS[action]];
}

/** Every step the table does not allow from here is refused with CONFLICT and leaves the incident as it was. */
async function expectRefusedExcept(id: string, allowed: string[], token: string): Promise<void> {
  const before = await get(id);
  for (const action of Object.keys(MUTATIONS).filter((a) => !allowed.includes(a))) {
    expect({ action, ...reasonOf(await step(action, id, token)) }).toEqual({ action, code: 'CONFLICT', reason: 'ILLEGAL_TRANSITION' });
  }
  const after = await get(id);
  expect(after.status).toBe(before.status);
  expect(after.timeline).toEqual(before.timeline);
}

async function eventsOf(aggregateId: string, until: (m: ReceivedMessage[]) => boolean): Promise<CloudEvent[]> {
  const messages = await readTopic(svc().topic('incident'), (m) => until(m.filter((x) => x.key === aggregateId)));
  const mine = messages.filter((m) => m.key === aggregateId).map((m) => m.value as unknown as CloudEvent);
  for (const e of mine) expect(() => catalogue.validate(e.type, e.data)).not.toThrow();
  return mine;
}
const hasTypes = (types: string[]) => (m: ReceivedMessage[]) => types.every((t) => m.some((x) => x.value['type'] === t));

async function publish(domain: string, type: string, key: string, data: object, id = randomUUID()): Promise<void> {
  const event = toCloudEvent(
    `/civgrid/${domain === 'population' ? 'population-registry' : 'dispute-mediation'}`,
    { type, aggregateType: 'X', aggregateId: key, data },
    id,
  );
  await producer.send({
    topic: svc().topic(domain),
    acks: -1,
    messages: [{ key, value: JSON.stringify(event), headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE } }],
  });
}

// ---------- pictures made in code ----------

function jpeg(extraBytes = 0): Buffer {
  const seg = (marker: number, payload: Buffer) => {
    const head = Buffer.from([0xff, marker, 0, 0]);
    head.writeUInt16BE(payload.length + 2, 2);
    return Buffer.concat([head, payload]);
  };
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    seg(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    seg(0xe1, Buffer.from('Exif\0\0MM\0*GPS 36.1912N 117.1209E', 'latin1')),
    seg(0xdb, Buffer.alloc(65, 1)),
    seg(0xda, Buffer.from([1, 1, 0, 0, 63, 0])),
    Buffer.alloc(64 + extraBytes, 0x55),
    Buffer.from([0xff, 0xd9]),
  ]);
}

const upload = (body: Buffer, token?: string, contentType = 'image/jpeg') =>
  fetch(`${base()}/photos`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });

// ---------- the tests ----------

describe('incident workflow through the gateway', () => {
  it('walks reported → accepted → in progress → resolved → reopened → closed, refusing every illegal step and keeping the timeline', async () => {
    const w = await world();
    const incident = await report(w.member, {
      gridId: w.gridId,
      subcategory: 'SOLAR_HEATER',
      location: { addressText: '开元社区 3号楼 楼顶', latitude: 36.19, longitude: 117.12 },
    });
    expect(incident).toMatchObject({
      status: 'REPORTED',
      escalationLevel: 'GRID',
      source: 'GRID_PATROL',
      reportedBy: w.memberId,
      subcategory: 'SOLAR_HEATER',
    });
    expect(incident.number).toMatch(/^DY-\d{4}-\d{6}$/);
    expect(incident.location).toEqual({ addressText: '开元社区 3号楼 楼顶', latitude: 36.19, longitude: 117.12, dwelling: null });
    expect(incident.allowedActions).toEqual([]); // a grid member cannot accept what they reported

    await expectRefusedExcept(incident.id, ['ACCEPT', 'REJECT'], w.officer);
    // Accepting is for officers (the access table): a grid member is refused before the incident is read.
    expect(reasonOf(await step('ACCEPT', incident.id, w.member))).toEqual({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });

    expect((await go('ACCEPT', incident.id, w.officer)).status).toBe('ACCEPTED');
    await expectRefusedExcept(incident.id, ['START', 'REJECT'], w.town);
    expect((await go('START', incident.id, w.member)).status).toBe('IN_PROGRESS');
    await expectRefusedExcept(incident.id, ['RESOLVE'], w.town);
    const resolved = await go('RESOLVE', incident.id, w.member);
    expect(resolved.status).toBe('RESOLVED');
    // The phone did not hear the answer and sends the same step again: same incident, nothing new on the timeline.
    const retried = await go('RESOLVE', incident.id, w.member);
    expect(retried.timeline).toEqual(resolved.timeline);
    await expectRefusedExcept(incident.id, ['CLOSE', 'REOPEN'], w.town);

    // The reporter checks the roof, finds it not done, reopens; then verifies the fix and closes.
    expect((await go('REOPEN', incident.id, w.member)).status).toBe('IN_PROGRESS');
    await go('RESOLVE', incident.id, w.member);
    const closed = await go('CLOSE', incident.id, w.member);
    expect(closed.status).toBe('CLOSED');
    await expectRefusedExcept(incident.id, [], admin);

    expect(closed.timeline.map((t) => [t.action, t.from, t.to])).toEqual([
      ['REPORT', null, 'REPORTED'],
      ['ACCEPT', 'REPORTED', 'ACCEPTED'],
      ['START', 'ACCEPTED', 'IN_PROGRESS'],
      ['RESOLVE', 'IN_PROGRESS', 'RESOLVED'],
      ['REOPEN', 'RESOLVED', 'IN_PROGRESS'],
      ['RESOLVE', 'IN_PROGRESS', 'RESOLVED'],
      ['CLOSE', 'RESOLVED', 'CLOSED'],
    ]);
    expect(closed.timeline.filter((t) => t.action !== 'ACCEPT').every((t) => t.actorId === w.memberId)).toBe(true);

    // The timeline is evidence: even the database refuses to change it.
    await expect(query(svc().db.url, `UPDATE incident_transition SET note = 'x' WHERE incident_id = $1`, [incident.id])).rejects.toThrow(
      /append-only/,
    );

    const events = await eventsOf(incident.id, hasTypes([IncidentEvents.reported, IncidentEvents.accepted, IncidentEvents.closed]));
    expect(events.map((e) => e.type)).toEqual([
      IncidentEvents.reported,
      IncidentEvents.accepted,
      IncidentEvents.transitioned,
      IncidentEvents.resolved,
      IncidentEvents.reopened,
      IncidentEvents.resolved,
      IncidentEvents.closed,
    ]);
    // Ids and codes only: nothing of the title, description or address leaves the service.
    expect(JSON.stringify(events)).not.toMatch(/solar|太阳能|开元/i);
  }, 60_000);

  it('rejects with a reason the reporter can read, after which nothing moves it', async () => {
    const w = await world();
    const incident = await report(w.member, { gridId: w.gridId });
    expect(reasonOf(await step('REJECT', incident.id, w.member))).toEqual({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
    const res = await step('REJECT', incident.id, w.officer, 'Private matter between neighbours: see the mediation room.');
    expect(res.data?.['rejectIncident']).toMatchObject({
      status: 'REJECTED',
      rejectionReason: 'Private matter between neighbours: see the mediation room.',
    });
    expect((await get(incident.id, w.member)).rejectionReason).toMatch(/mediation room/);
    await expectRefusedExcept(incident.id, [], w.town);
  }, 60_000);

  it('lets the grid leader grid organisation assigned verify and close a fix, nobody else of the grid, and not after handing over', async () => {
    const w = await world();
    const leaderUser = `leader-${randomUUID()}`;
    const { registerGridMember: leaderMember } = await ok<{ registerGridMember: { id: string } }>(
      `mutation($input: RegisterGridMemberInput!) { registerGridMember(input: $input) { id } }`,
      {
        input: {
          name: '李建国',
          phone: `138${String(Date.now()).slice(-8)}`,
          employment: 'FULL_TIME',
          areaId: w.tree.village.id,
          userId: leaderUser,
        },
      },
      admin,
    );
    const { assignGridMember: lead } = await ok<{ assignGridMember: { id: string } }>(
      `mutation($input: AssignGridMemberInput!) { assignGridMember(input: $input) { id } }`,
      { input: { memberId: leaderMember.id, gridId: w.gridId, role: 'GRID_LEADER' } },
      admin,
    );
    const replicated = (ended: boolean) =>
      eventually(async () => {
        const rows = await query(
          svc().db.url,
          `SELECT 1 FROM grid_leader_replica l JOIN member_account_replica a ON a.member_id = l.member_id
            WHERE l.assignment_id = $1 AND a.user_id = $2 AND (l.active_to IS NOT NULL) = $3`,
          [lead.id, leaderUser, ended],
        );
        return rows.length ? true : undefined;
      });
    await replicated(false);
    const inGrid = (sub: string) => stack.token({ sub, roles: [Role.GRID_MEMBER], areas: [w.tree.village.path], grids: [w.gridId] });
    const leader = await inGrid(leaderUser);
    const colleague = await inGrid(`colleague-${randomUUID()}`);
    const resolved = async () => {
      const incident = await report(w.member, { gridId: w.gridId });
      await go('ACCEPT', incident.id, w.officer);
      await go('START', incident.id, w.member);
      await go('RESOLVE', incident.id, w.member);
      return incident;
    };

    const first = await resolved();
    expect((await get(first.id, colleague)).allowedActions).toEqual([]);
    expect(reasonOf(await step('CLOSE', first.id, colleague))).toEqual({ code: 'FORBIDDEN', reason: 'TRANSITION_NOT_ALLOWED' });
    expect((await get(first.id, leader)).allowedActions).toEqual(['CLOSE', 'REOPEN']);
    const closed = await go('CLOSE', first.id, leader);
    expect(closed.status).toBe('CLOSED');
    expect(closed.timeline.at(-1)).toMatchObject({ action: 'CLOSE', from: 'RESOLVED', to: 'CLOSED', actorId: leaderUser });

    // The leader hands the grid over: from then on their word closes nothing.
    await ok(
      `mutation($input: EndGridAssignmentInput!) { endGridAssignment(input: $input) { current } }`,
      { input: { assignmentId: lead.id } },
      admin,
    );
    await replicated(true);
    const second = await resolved();
    expect((await get(second.id, leader)).allowedActions).toEqual([]);
    expect(reasonOf(await step('CLOSE', second.id, leader))).toEqual({ code: 'FORBIDDEN', reason: 'TRANSITION_NOT_ALLOWED' });
    expect((await get(second.id)).status).toBe('RESOLVED');
  }, 60_000);

  it('creates one incident for a report retried on a weak network, and refuses the key for a different report', async () => {
    const w = await world();
    const key = randomUUID();
    const input = { gridId: w.gridId, idempotencyKey: key, title: '井盖缺失', category: 'INFRASTRUCTURE' };
    const attempts = await Promise.all([1, 2, 3].map(() => report(w.member, input)));
    expect(new Set(attempts.map((a) => a.id)).size).toBe(1);
    expect(await report(w.member, input)).toMatchObject({ id: attempts[0].id, number: attempts[0].number });
    const [{ n }] = await query<{ n: number }>(svc().db.url, 'SELECT count(*)::int AS n FROM incident WHERE idempotency_key = $1', [key]);
    expect(n).toBe(1);
    const different = await gql(
      stack.url,
      `mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { id } }`,
      { input: { ...input, title: '另一件事' } },
      w.member,
    );
    expect(reasonOf(different)).toEqual({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    const events = await eventsOf(attempts[0].id, hasTypes([IncidentEvents.reported]));
    expect(events.filter((e) => e.type === IncidentEvents.reported)).toHaveLength(1);
  }, 60_000);

  it('refuses an unknown subcategory and half a point with clear input errors', async () => {
    const w = await world();
    const bad = (input: Record<string, unknown>) =>
      gql(
        stack.url,
        `mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { id } }`,
        { input: { gridId: w.gridId, title: 't', category: 'PUBLIC_SAFETY', ...input } },
        w.member,
      );
    expect(reasonOf(await bad({ subcategory: 'SOLAR_HEATER' }))).toEqual({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_SUBCATEGORY' });
    expect(reasonOf(await bad({ location: { latitude: 36.2 } }))).toEqual({ code: 'BAD_USER_INPUT', reason: 'LOCATION_POINT_INCOMPLETE' });
    // The nested location is validated as a whole: a latitude off the globe is the input's error, not the database's.
    expect(reasonOf(await bad({ location: { latitude: 200, longitude: 117.1 } }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_INPUT',
    });
    expect(reasonOf(await bad({ location: { addressText: '' } }))).toEqual({ code: 'BAD_USER_INPUT', reason: 'INVALID_INPUT' });
    expect(reasonOf(await bad({ gridId: w.tree.gridIds[1] }))).toEqual({ code: 'NOT_FOUND', reason: 'GRID_NOT_FOUND' });
  }, 60_000);
});

describe('photos', () => {
  it('stores a JPEG without its GPS EXIF by SHA-256, links it from the incident, and refuses what is not a picture or too large', async () => {
    const w = await world();
    const original = jpeg();
    const res = await upload(original, w.member, 'application/octet-stream');
    expect(res.status).toBe(201);
    const photo = (await res.json()) as { id: string; contentType: string; sha256: string; sizeBytes: number; url: string };
    expect(photo.contentType).toBe('image/jpeg');
    expect(photo.sizeBytes).toBeLessThan(original.length);

    // The same picture again (a retry) is the same photo.
    expect(((await (await upload(original, w.member)).json()) as { id: string }).id).toBe(photo.id);

    const incident = await report(w.member, { gridId: w.gridId, photoIds: [photo.id] });
    expect(incident.photos).toHaveLength(1);
    const view = await fetch(`${base()}${incident.photos[0].url}`);
    expect(view.status).toBe(200);
    expect(view.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await view.arrayBuffer());
    expect(bytes.includes('Exif')).toBe(false);
    expect(bytes.includes('36.1912N')).toBe(false);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(photo.sha256);
    expect((await fetch(`${base()}${incident.photos[0].url.replace(/signature=[^&]+/, 'signature=AAAA')}`)).status).toBe(403);

    // A PDF called photo.jpg is not a photo, whatever it claims.
    const pdf = await upload(Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n'), w.member, 'image/jpeg');
    expect(pdf.status).toBe(415);
    expect(await pdf.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', reason: 'PHOTO_TYPE_UNSUPPORTED' } });
    const big = await upload(jpeg(8 * 1024 * 1024), w.member);
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { reason: 'PHOTO_TOO_LARGE' } });
    expect((await upload(Buffer.alloc(0), w.member)).status).toBe(400);
    expect((await upload(original)).status).toBe(401);
    const analyst = await stack.token({ roles: [Role.ANALYST], areas: [w.tree.village.path] });
    expect((await upload(original, analyst)).status).toBe(403);

    // Someone else's upload cannot be attached.
    const other = await stack.token({ sub: `other-${randomUUID()}`, roles: [Role.COMMUNITY_OFFICER], areas: [w.tree.village.path] });
    const stolen = await gql(
      stack.url,
      `mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { id } }`,
      { input: { gridId: w.gridId, title: 't', category: 'OTHER', photoIds: [photo.id] } },
      other,
    );
    expect(reasonOf(stolen)).toEqual({ code: 'FORBIDDEN', reason: 'PHOTO_NOT_YOURS' });
  }, 60_000);
});

describe('service levels', () => {
  afterEach(() => svc().setClock(null));

  it('marks a missed accept deadline once, escalates one level per miss where the category says so, and only flags where it does not', async () => {
    const w = await world();
    const t0 = new Date(Date.now() + 24 * 3600_000);
    await svc().setClock(t0);
    // Public safety: accept within 60 minutes, escalate on a miss. Sanitation: 240 minutes, no escalation.
    const safety = await report(w.member, { gridId: w.gridId, category: 'PUBLIC_SAFETY', title: '消防通道堵塞' });
    const rubbish = await report(w.member, { gridId: w.gridId, category: 'ENVIRONMENT_SANITATION', title: '垃圾未清运' });
    expect(new Date(safety.acceptDueAt).getTime() - t0.getTime()).toBe(60 * 60_000);

    await svc().setClock(new Date(t0.getTime() + 59 * 60_000));
    await svc().runJob('incident-overdue');
    expect(await get(safety.id)).toMatchObject({ overdue: false, escalationLevel: 'GRID' });

    await svc().setClock(new Date(t0.getTime() + 61 * 60_000));
    expect((await svc().runJob('incident-overdue')).ran).toBe(true);
    const once = await get(safety.id);
    expect(once).toMatchObject({ escalationLevel: 'VILLAGE', status: 'REPORTED' });
    expect(new Date(once.acceptDueAt).getTime()).toBe(t0.getTime() + 121 * 60_000);
    // A second round (a restart, another instance) finds nothing left to do.
    await svc().runJob('incident-overdue');
    expect((await get(safety.id)).timeline.map((t) => t.action)).toEqual(['REPORT', 'OVERDUE', 'ESCALATE']);

    await svc().setClock(new Date(t0.getTime() + 122 * 60_000));
    await svc().runJob('incident-overdue');
    expect((await get(safety.id)).escalationLevel).toBe('TOWN');

    await svc().setClock(new Date(t0.getTime() + 241 * 60_000));
    await svc().runJob('incident-overdue');
    expect(await get(rubbish.id)).toMatchObject({ overdue: true, escalationLevel: 'GRID' });
    const listed = await ok<{ incidents: { edges: { node: { id: string } }[] } }>(
      `query($g: ID!) { incidents(gridId: $g, overdue: true) { edges { node { id } } } }`,
      { g: w.gridId },
      w.officer,
    );
    expect(listed.incidents.edges.map((e) => e.node.id)).toContain(rubbish.id);
    // Accepted late: the accept deadline is no longer being missed, and its resolve deadline is still ahead.
    expect(await go('ACCEPT', rubbish.id, w.officer)).toMatchObject({ status: 'ACCEPTED', overdue: false });
    const page = async (overdue: boolean) =>
      (
        await ok<{ incidents: { edges: { node: { id: string } }[] } }>(
          `query($g: ID!, $o: Boolean!) { incidents(gridId: $g, overdue: $o) { edges { node { id } } } }`,
          { g: w.gridId, o: overdue },
          w.officer,
        )
      ).incidents.edges.map((e) => e.node.id);
    expect(await page(true)).not.toContain(rubbish.id);
    expect(await page(false)).toContain(rubbish.id);

    const events = await eventsOf(safety.id, (m) => m.filter((x) => x.value['type'] === ReactionEvents.incidentEscalated).length >= 2);
    const escalations = events
      .filter((e) => e.type === ReactionEvents.incidentEscalated)
      .map((e) => e.data as { fromLevel: string; toLevel: string; asDispute: boolean });
    expect(escalations.map((e) => [e.fromLevel, e.toLevel, e.asDispute])).toEqual([
      ['GRID', 'VILLAGE', false],
      ['VILLAGE', 'TOWN', false],
    ]);
    expect(events.filter((e) => e.type === IncidentEvents.overdue).map((e) => (e.data as { kind: string }).kind)).toEqual([
      'ACCEPT',
      'ACCEPT',
    ]);
  }, 60_000);

  it('escalates by hand as a dispute for mediation, and counts what was resolved in the bud', async () => {
    const w = await world();
    const from = new Date(Date.now() - 60_000);
    const a = await report(w.member, { gridId: w.gridId, category: 'DISPUTE', subcategory: 'NEIGHBOURHOOD', title: '邻里漏水纠纷' });
    const b = await report(w.member, { gridId: w.gridId, title: 'b' });
    const c = await report(w.member, { gridId: w.gridId, title: 'c' });
    const escalated = await ok<{ escalateIncident: Incident }>(
      `mutation($input: EscalateIncidentInput!) { escalateIncident(input: $input) { ${FIELDS} } }`,
      { input: { id: a.id, asDispute: true, residentIds: await announcedResidents(stack, w.gridId, 2, ['incident-reporting']) } },
      w.officer,
    );
    expect(escalated.escalateIncident.escalationLevel).toBe('VILLAGE');
    const [event] = (await eventsOf(a.id, hasTypes([ReactionEvents.incidentEscalated]))).filter(
      (e) => e.type === ReactionEvents.incidentEscalated,
    );
    expect(event.data).toMatchObject({ asDispute: true, disputeKind: 'NEIGHBOURHOOD', fromLevel: 'GRID', toLevel: 'VILLAGE' });

    for (const id of [a.id, b.id, c.id]) {
      await go('ACCEPT', id, w.officer);
      await go('START', id, w.member);
      await go('RESOLVE', id, w.member);
    }
    const bud = await ok<{ resolvedInTheBud: { resolved: number; resolvedAtGrid: number; share: number } }>(
      `query($p: String!, $from: DateTime!, $to: DateTime!) { resolvedInTheBud(areaPath: $p, from: $from, to: $to) { resolved resolvedAtGrid share } }`,
      { p: w.tree.village.path, from: from.toISOString(), to: new Date(Date.now() + 60_000).toISOString() },
      w.town,
    );
    expect(bud.resolvedInTheBud).toEqual({ resolved: 3, resolvedAtGrid: 2, share: 2 / 3 });
    // Counts are the statistics rule's: a mediator has none; a grid member counts their own grids.
    const mediator = await stack.token({ roles: [Role.MEDIATOR], areas: [w.tree.village.path] });
    const denied = await gql(
      stack.url,
      `query($p: String!, $d: DateTime!) { resolvedInTheBud(areaPath: $p, from: $d, to: $d) { share } }`,
      { p: w.tree.village.path, d: from.toISOString() },
      mediator,
    );
    expect(reasonOf(denied)).toEqual({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
  }, 60_000);
});

describe('the whistle (吹哨报到)', () => {
  afterEach(() => svc().setClock(null));

  it('summons two departments; one reports in time, the other late; each officer sees what is addressed to them', async () => {
    const w = await world();
    const dept = async (code: string, kind: string) =>
      (
        await ok<{ createDepartment: { id: string } }>(
          `mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { id } }`,
          { input: { code: `${code}-${randomUUID().slice(0, 8)}`, name: code, kind, level: 'DISTRICT', areaId: w.tree.district.id } },
          admin,
        )
      ).createDepartment.id;
    const housing = await dept('HOUSING', 'HOUSING_CONSTRUCTION_BUREAU');
    const court = await dept('COURT', 'COURT');
    const officerOf = (departmentId: string) =>
      stack.token({ sub: `dept-${randomUUID()}`, roles: [Role.DEPARTMENT_OFFICER], dept: departmentId });
    const [housingOfficer, courtOfficer, strangerOfficer] = await Promise.all([
      officerOf(housing),
      officerOf(court),
      officerOf(randomUUID()),
    ]);

    const incident = await report(w.member, { gridId: w.gridId, title: '楼顶防水工程受阻' });
    const dueAt = new Date(Date.now() + 3600_000);
    // A department unknown to grid organisation cannot be summoned.
    const ghost = randomUUID();
    const toGhost = await gql(
      stack.url,
      `mutation($input: BlowWhistleInput!) { blowWhistle(input: $input) { id } }`,
      { input: { incidentId: incident.id, departmentIds: [ghost], dueAt: dueAt.toISOString() } },
      w.town,
    );
    expect(reasonOf(toGhost)).toEqual({ code: 'NOT_FOUND', reason: 'DEPARTMENT_NOT_FOUND' });
    // Departments arrive by grid organisation's events.
    await eventually(async () => {
      const [{ n }] = await query<{ n: number }>(
        svc().db.url,
        'SELECT count(*)::int AS n FROM department_replica WHERE id = ANY($1::uuid[])',
        [[housing, court]],
      );
      return n === 2 ? true : undefined;
    });
    const blown = await ok<{ blowWhistle: { id: string; departments: { department: { id: string }; status: string }[] } }>(
      `mutation($input: BlowWhistleInput!) { blowWhistle(input: $input) { id departments { department { id } status } } }`,
      { input: { incidentId: incident.id, departmentIds: [housing, court], dueAt: dueAt.toISOString(), note: '请住建局、法院报到' } },
      w.town,
    );
    expect(blown.blowWhistle.departments.map((d) => d.status)).toEqual(['SUMMONED', 'SUMMONED']);
    const whistleId = blown.blowWhistle.id;
    const memberBlows = await gql(
      stack.url,
      `mutation($input: BlowWhistleInput!) { blowWhistle(input: $input) { id } }`,
      { input: { incidentId: incident.id, departmentIds: [court], dueAt: dueAt.toISOString() } },
      w.member,
    );
    expect(reasonOf(memberBlows).code).toBe('FORBIDDEN');

    const inbox = async (token: string) =>
      (
        await ok<{ whistles: { edges: { node: { id: string; incident: { number: string } } }[] } }>(
          `{ whistles(pending: true) { edges { node { id incident { number } } } } }`,
          {},
          token,
        )
      ).whistles.edges.map((e) => e.node);
    expect(await inbox(housingOfficer)).toEqual([{ id: whistleId, incident: { number: incident.number } }]);
    expect(await inbox(strangerOfficer)).toEqual([]);

    const reportTo = (token: string, response: string) =>
      gql<{ reportToWhistle: { departments: { department: { id: string }; status: string; late: boolean | null }[] } }>(
        stack.url,
        `mutation($input: ReportToWhistleInput!) { reportToWhistle(input: $input) { departments { department { id } status late } } }`,
        { input: { whistleId, response } },
        token,
      );
    expect((await reportTo(housingOfficer, '住建局已联系施工队，三日内拆除。')).errors).toBeUndefined();
    // Retried on a bad line: the same answer is accepted as it stands.
    expect((await reportTo(housingOfficer, '住建局已联系施工队，三日内拆除。')).errors).toBeUndefined();
    expect(reasonOf(await reportTo(housingOfficer, '另一个答复'))).toEqual({ code: 'CONFLICT', reason: 'ALREADY_REPORTED' });
    // A whistle that did not summon the caller's department does not exist for them.
    expect(reasonOf(await reportTo(strangerOfficer, '我们也来'))).toEqual({ code: 'NOT_FOUND', reason: 'WHISTLE_NOT_FOUND' });
    expect(await inbox(housingOfficer)).toEqual([]);

    await svc().setClock(new Date(dueAt.getTime() + 2 * 3600_000));
    // The overdue job finds the court silent past the deadline: marked once, on the timeline, announced once.
    expect((await svc().runJob('incident-overdue')).ran).toBe(true);
    await svc().runJob('incident-overdue');
    const whistle = async () =>
      (
        await ok<{
          incident: {
            timeline: { action: string; note: string | null }[];
            whistles: { departments: { department: { id: string }; status: string; overdueAt: string | null }[] }[];
          };
        }>(
          `query($id: ID!) { incident(id: $id) { timeline { action note } whistles { departments { department { id } status overdueAt } } } }`,
          { id: incident.id },
          w.town,
        )
      ).incident;
    const silent = await whistle();
    expect(Object.fromEntries(silent.whistles[0].departments.map((d) => [d.department.id, [d.status, Boolean(d.overdueAt)]]))).toEqual({
      [housing]: ['REPORTED', false],
      [court]: ['OVERDUE', true],
    });
    expect(silent.timeline.filter((t) => t.action === 'OVERDUE').map((t) => t.note)).toEqual([expect.stringContaining(court)]);

    const late = await reportTo(courtOfficer, '法院派员参加调解。');
    const statuses = Object.fromEntries(late.data!.reportToWhistle.departments.map((d) => [d.department.id, [d.status, d.late]]));
    expect(statuses).toEqual({ [housing]: ['REPORTED', false], [court]: ['REPORTED_LATE', true] });

    // Through the gateway: grid organisation's Department, with this service's whistles.
    const viaDepartment = await ok<{ department: { id: string; whistles: { totalCount: number; edges: { node: { id: string } }[] } } }>(
      `query($id: ID!) { department(id: $id) { id whistles { totalCount edges { node { id } } } } }`,
      { id: court },
      courtOfficer,
    );
    expect(viaDepartment.department.whistles).toEqual({ totalCount: 1, edges: [{ node: { id: whistleId } }] });

    // As an entity other subgraphs may reference: batched, and nothing for a department not summoned.
    const entity = (token: string) =>
      gql<{ _entities: ({ id: string } | null)[] }>(
        svc().url,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Whistle { id } } }`,
        { r: [{ __typename: 'Whistle', id: whistleId }] },
        token,
        asGateway(token),
      );
    expect((await entity(courtOfficer)).data?._entities).toEqual([{ id: whistleId }]);
    expect(reasonOf(await entity(strangerOfficer))).toEqual({ code: 'NOT_FOUND', reason: 'WHISTLE_NOT_FOUND' });

    const events = await eventsOf(incident.id, (m) => m.filter((x) => x.value['type'] === IncidentEvents.departmentReported).length >= 2);
    expect(events.find((e) => e.type === IncidentEvents.whistleBlown)!.data).toMatchObject({
      whistleId,
      departmentIds: expect.arrayContaining([housing, court]),
    });
    expect(
      events
        .filter((e) => e.type === IncidentEvents.departmentReported)
        .map((e) => e.data as { departmentId: string; late: boolean })
        .map((d) => [d.departmentId, d.late]),
    ).toEqual([
      [housing, false],
      [court, true],
    ]);
    expect(events.filter((e) => e.type === IncidentEvents.departmentOverdue).map((e) => e.data)).toEqual([
      { whistleId, incidentId: incident.id, departmentId: court, dueAt: dueAt.toISOString(), detectedAt: expect.any(String) },
    ]);
  }, 60_000);
});

describe('reactions to other services', () => {
  it('opens one urgent care alert for a missed wellbeing check, however often it is delivered', async () => {
    const w = await world();
    const data: WellbeingCheckMissedData = {
      agreementId: randomUUID(),
      residentId: randomUUID(),
      gridId: w.gridId,
      gridPath: (await query<{ path: string }>(svc().db.url, 'SELECT path::text AS path FROM grid_replica WHERE id = $1', [w.gridId]))[0]
        .path,
      responsibleMemberId: randomUUID(),
      day: '2026-08-09',
      deadline: '2026-08-09T00:00:00Z',
    };
    const id = randomUUID();
    const resent = randomUUID();
    await publish('population', ReactionEvents.wellbeingCheckMissed, data.residentId, data, id);
    await publish('population', ReactionEvents.wellbeingCheckMissed, data.residentId, data, id);
    // The registry sent it again under a new id (a replay after its own restart): still one alert.
    await publish('population', ReactionEvents.wellbeingCheckMissed, data.residentId, data, resent);
    const list = async () =>
      (
        await ok<{ incidents: { edges: { node: Incident & { subjectResident: { id: string } | null; wellbeingAgreementId: string } }[] } }>(
          `query($g: ID!) { incidents(gridId: $g) { edges { node { ${FIELDS} subjectResident { id } wellbeingAgreementId } } } }`,
          { g: w.gridId },
          w.officer,
        )
      ).incidents.edges.map((e) => e.node);
    // One key, one partition: once the last delivery (the re-sent id) is in the inbox, every earlier one was handled.
    await eventually(async () => {
      const [{ n }] = await query<{ n: number }>(svc().db.url, `SELECT count(*)::int AS n FROM inbox WHERE event_id = $1`, [resent]);
      return n === 1 ? true : undefined;
    });
    const incidents = await list();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      category: 'CARE_ALERT',
      priority: 'URGENT',
      source: 'WELLBEING_ALERT',
      status: 'REPORTED',
      assigneeId: data.responsibleMemberId,
      // The grid member sees whom to visit; the registry (not this service) says who and where.
      subjectResident: { id: data.residentId },
      wellbeingAgreementId: data.agreementId,
    });
    expect(incidents[0].timeline.map((t) => t.action)).toEqual(['REPORT', 'ASSIGN']);
    // Only ids leave the registry: the events of the alert carry no resident id at all.
    const events = await eventsOf(incidents[0].id, hasTypes([IncidentEvents.reported, IncidentEvents.assigned]));
    expect(JSON.stringify(events)).not.toContain(data.residentId);
  }, 60_000);

  it('resolves the incident a closed dispute came from', async () => {
    const w = await world();
    const incident = await report(w.member, { gridId: w.gridId, category: 'DISPUTE', subcategory: 'FAMILY', title: '家庭纠纷' });
    await go('ACCEPT', incident.id, w.officer);
    const data: DisputeClosedData = {
      disputeId: randomUUID(),
      number: 'TJ-2026-000042',
      originIncidentId: incident.id,
      outcome: 'AGREEMENT',
      closedAt: new Date().toISOString(),
    };
    await publish('mediation', ReactionEvents.disputeClosed, data.disputeId, data);
    const resolved = await eventually(async () => {
      const i = await get(incident.id);
      return i.status === 'RESOLVED' ? i : undefined;
    });
    expect(resolved.timeline.at(-1)).toMatchObject({
      action: 'RESOLVE',
      from: 'ACCEPTED',
      to: 'RESOLVED',
      actorId: 'system:dispute-mediation',
    });
    // The reporter still verifies and closes it as usual.
    expect((await go('CLOSE', incident.id, w.member)).status).toBe('CLOSED');
  }, 60_000);
});

describe('Open311 GeoReport v2', () => {
  // A client is given the gateway's address alone: the gateway forwards /open311 to the service.
  const open311 = (path: string) => `${stack.url.replace(/\/graphql$/, '')}/open311/v2/${path}`;

  /** An Open311 API key for a client application, issued by an admin through the gateway. */
  const clientKey = async (w: World, defaultGridId?: string) =>
    (
      await ok<{ issueOpen311ApiKey: { key: string } }>(
        `mutation($input: IssueOpen311ApiKeyInput!) { issueOpen311ApiKey(input: $input) { key } }`,
        { input: { clientName: 'Citizen site', areaPaths: [w.tree.village.path], defaultGridId } },
        admin,
      )
    ).issueOpen311ApiKey.key;

  it('lists services and their attributes, files a form-encoded request with a client key, and follows it from open to closed', async () => {
    const w = await world();
    const services = (await (await fetch(open311('services.json'))).json()) as {
      service_code: string;
      service_name: string;
      group: string;
      metadata: boolean;
      type: string;
    }[];
    const solar = services.find((s) => s.service_code === 'PROPERTY_MANAGEMENT-SOLAR_HEATER');
    expect(solar).toMatchObject({ metadata: true, type: 'realtime', group: 'Property management' });
    expect(services.some((s) => s.service_code.startsWith('CARE_ALERT'))).toBe(false);
    const definition = (await (await fetch(open311('services/PROPERTY_MANAGEMENT-SOLAR_HEATER.json'))).json()) as {
      service_code: string;
      attributes: { code: string }[];
    };
    expect(definition).toMatchObject({ service_code: 'PROPERTY_MANAGEMENT-SOLAR_HEATER', attributes: [{ code: 'grid_id' }] });
    const missing = await fetch(open311('services/NOPE.json'));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual([{ code: 404, description: expect.stringMatching(/NOPE/) }]);

    const form = new URLSearchParams({
      api_key: await clientKey(w),
      jurisdiction_id: 'daiyue.taian.sd.cn',
      service_code: 'PROPERTY_MANAGEMENT-SOLAR_HEATER',
      lat: '36.1912',
      long: '117.1209',
      address_string: '开元社区 4号楼',
      description: 'The solar energy of the top of the building was not removed.',
      'attribute[grid_id]': w.gridId,
      email: 'someone@example.org',
    });
    const posted = await fetch(open311('requests.json'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(posted.status).toBe(201);
    const [created] = (await posted.json()) as { service_request_id: string; service_notice: string }[];
    expect(created.service_request_id).toMatch(/^DY-\d{4}-\d{6}$/);

    // Read back as the public reads it: no key, the location at the published precision, no address.
    const one = async () => {
      const res = await fetch(open311(`requests/${created.service_request_id}.json?jurisdiction_id=daiyue.taian.sd.cn`));
      expect(res.status).toBe(200);
      return ((await res.json()) as Record<string, unknown>[])[0];
    };
    expect(await one()).toMatchObject({
      service_request_id: created.service_request_id,
      status: 'open',
      service_code: 'PROPERTY_MANAGEMENT-SOLAR_HEATER',
      service_name: 'Property management: Solar heater',
      description: 'The solar energy of the top of the building was not removed.',
      lat: 36.191,
      long: 117.121,
      address: null,
      agency_responsible: expect.any(String),
    });
    const list = await fetch(open311(`requests.json?service_code=PROPERTY_MANAGEMENT&status=open`));
    expect(((await list.json()) as { service_request_id: string }[]).map((r) => r.service_request_id)).toContain(
      created.service_request_id,
    );

    const incident = (
      await ok<{ incidents: { edges: { node: { id: string; number: string; source: string } }[] } }>(
        `query($g: ID!) { incidents(gridId: $g) { edges { node { id number source } } } }`,
        { g: w.gridId },
        w.officer,
      )
    ).incidents.edges
      .map((e) => e.node)
      .find((i) => i.number === created.service_request_id)!;
    expect(incident.source).toBe('OPEN311');
    await step('REJECT', incident.id, w.officer, 'The owner removed it the same day.');
    expect(await one()).toMatchObject({
      status: 'closed',
      status_notes: 'Rejected: The owner removed it the same day.',
      expected_datetime: null,
    });
    const closedList = await fetch(open311(`requests.xml?service_request_id=${created.service_request_id}&status=closed`));
    expect(closedList.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(await closedList.text()).toContain(`<service_request_id>${created.service_request_id}</service_request_id>`);
  }, 60_000);

  it('answers bad requests the way the spec says: 403 without a client key, 400 and 404 in the format asked for', async () => {
    const w = await world();
    const post = (fields: Record<string, string>) =>
      fetch(open311('requests.json'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    const good = {
      api_key: await clientKey(w, w.gridId),
      service_code: 'OTHER',
      lat: '36.19',
      long: '117.12',
      'attribute[grid_id]': w.gridId,
    };
    const noKey = await post({ ...good, api_key: '' });
    expect(noKey.status).toBe(403);
    expect(await noKey.json()).toEqual([{ code: 403, description: expect.any(String) }]);
    // A staff member's token is not a client key.
    expect((await post({ ...good, api_key: w.member })).status).toBe(403);
    expect((await post({ ...good, lat: '', long: '' })).status).toBe(400);
    expect((await post({ ...good, service_code: 'CARE_ALERT' })).status).toBe(404);
    expect((await post({ ...good, jurisdiction_id: 'somewhere.else' })).status).toBe(404);
    expect((await fetch(open311('requests/DY-2000-000001.json'))).status).toBe(404);
    const xml = await fetch(open311('requests/DY-2000-000001.xml'));
    expect(xml.status).toBe(404);
    expect(await xml.text()).toMatch(/<errors>\s*<error>\s*<code>404<\/code>\s*<description>No service request DY-2000-000001/);
    // The key's default grid takes a request that names none.
    const implicit = await post({ ...good, 'attribute[grid_id]': '' });
    expect(implicit.status).toBe(201);
  }, 60_000);
});

describe('federation', () => {
  it('answers Grid.incidents for many grids, and their timelines and whistles, with one statement each', async () => {
    const w = await world();
    for (const gridId of w.tree.gridIds) for (let i = 0; i < 2; i++) await report(admin, { gridId, title: `事件 ${i}` });
    await svc().sql.record();
    const res = await ok<{
      grids: {
        edges: {
          node: { id: string; incidents: { totalCount: number; edges: { node: { timeline: unknown[]; whistles: unknown[] } }[] } };
        }[];
      };
    }>(
      `query($p: String!) { grids(underPath: $p, first: 10) { edges { node { id incidents(open: true, first: 10) { totalCount edges { node { id timeline { action } whistles { id } } } } } } } }`,
      { p: w.tree.village.path },
      w.officer,
    );
    const sql = await svc().sql.stop();
    expect(res.grids.edges.map((e) => e.node.incidents.totalCount)).toEqual([2, 2]);
    expect(res.grids.edges.every((e) => e.node.incidents.edges.every((i) => i.node.timeline.length === 1))).toBe(true);
    expect(sql.filter((s) => /FROM unnest\(\$1::uuid\[\]\) AS g/.test(s) && /FROM incident\b/.test(s))).toHaveLength(1);
    expect(sql.filter((s) => /FROM incident_transition/.test(s))).toHaveLength(1);
    expect(sql.filter((s) => /FROM whistle w/.test(s))).toHaveLength(1);
  }, 60_000);

  it("resolves Resident.reportedIncidents for a batch of residents in one statement, within the caller's scope", async () => {
    const w = await world();
    const [alice, bob] = await announcedResidents(stack, w.gridId, 2, ['incident-reporting']);
    await report(admin, { gridId: w.gridId, reporterResidentId: alice, source: 'RESIDENT_REPORT' });
    await report(admin, { gridId: w.gridId, reporterResidentId: alice, source: 'RESIDENT_REPORT' });
    await report(admin, { gridId: w.gridId, reporterResidentId: bob, source: 'RESIDENT_REPORT' });
    const entities = (token: string) =>
      gql<{ _entities: { reportedIncidents: { totalCount: number } }[] }>(
        svc().url,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Resident { reportedIncidents { totalCount } } } }`,
        { r: [alice, bob, randomUUID()].map((id) => ({ __typename: 'Resident', id })) },
        token,
        asGateway(token),
      );
    await svc().sql.record();
    const res = await entities(w.officer);
    const sql = await svc().sql.stop();
    expect(res.data?._entities.map((e) => e.reportedIncidents.totalCount)).toEqual([2, 1, 0]);
    expect(sql.filter((s) => /reporter_resident_id = g\.id/.test(s))).toHaveLength(1);
    const elsewhere = await stack.token({ roles: [Role.COMMUNITY_OFFICER], areas: [testDistrictCode()] });
    expect((await entities(elsewhere)).data?._entities.map((e) => e.reportedIncidents.totalCount)).toEqual([0, 0, 0]);
    // Reached directly, the subgraph gives nothing away without a token.
    expect((await entities('')).data?._entities ?? null).toBeNull();
  }, 60_000);
});
