import { randomInt, randomUUID } from 'node:crypto';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { Role } from '@civgrid/auth';
import { catalogue, IncidentEscalatedData, MediationEvents, ReactionEvents } from '@civgrid/contracts';
import { CLOUDEVENTS_CONTENT_TYPE, toCloudEvent } from '@civgrid/events';
import { asGateway, dataOf, eventually, gql, GraphqlResponse, kafkaBrokers, query, readTopic, reasonOf } from '@civgrid/testing';
import { createTree, Tree, waitForReplica } from '../src/scenario';
import { startStack, Stack } from '../src/stack';

// Dispute mediation through the gateway, with grid-organisation (grids, departments) beside it.
// incident-reporting is left out here: these tests produce incident-escalated to the incident topic
// themselves (to send duplicates at will) and read dispute-closed back from the mediation topic.
// The path through the real incident-reporting service is in mediation-incident.int-spec.ts.

let stack: Stack;
let admin: string;
let producer: Producer;
beforeAll(async () => {
  stack = await startStack('mediation', {}, ['grid-organisation', 'dispute-mediation']);
  admin = await stack.token({ roles: [Role.ADMIN], sub: 'admin' });
  producer = new Kafka({ clientId: 'mediation-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
}, 120_000);
afterEach(() => stack?.services['dispute-mediation'].setClock(null));
afterAll(async () => {
  await producer?.disconnect();
  await stack?.stop();
});

const mediation = () => stack.services['dispute-mediation'];
const call = <D>(q: string, variables: Record<string, unknown>, token: string): Promise<GraphqlResponse<D>> =>
  gql<D>(stack.url, q, variables, token);
const ok = async <D>(q: string, variables: Record<string, unknown>, token: string = admin): Promise<D> =>
  dataOf(await call<D>(q, variables, token));

const DISPUTE = `id number status level outcome nextActions originIncidentId committee { id level } agreement { terms signedOn judicialConfirmation }`;
interface Dispute {
  id: string;
  number: string;
  status: string;
  level: string;
  outcome: string | null;
  nextActions: string[];
  originIncidentId: string | null;
  committee: { id: string; level: string } | null;
  agreement: { terms: string; signedOn: string; judicialConfirmation: string | null } | null;
}

/** A district with a town and a village, one grid, and a committee at each level with one mediator each. */
async function platform() {
  const tree: Tree = await createTree(stack.url, admin, 1);
  const gridId = tree.gridIds[0];
  await waitForReplica(stack, 'dispute-mediation', [gridId]);
  const levels = [
    ['VILLAGE', tree.village.path, '开元社区人民调解委员会', '王绪文', '老王调解室'],
    ['TOWN', tree.town.path, '天平街道为民协商委员会', '李调解', null],
    ['DISTRICT', tree.district.path, '岱岳区为民协商委员会', '赵调解', null],
  ] as const;
  const committees: Record<string, { id: string; mediatorId: string; user: string; token: string; roomId: string | null }> = {};
  for (const [level, areaPath, name, person, roomName] of levels) {
    const c = await ok<{ createMediationCommittee: { id: string } }>(
      `mutation($input: CreateCommitteeInput!) { createMediationCommittee(input: $input) { id } }`,
      { input: { name, level, areaPath } },
    );
    const user = `mediator-${level.toLowerCase()}-${randomInt(1e9)}`;
    const m = await ok<{ addMediator: { id: string; room: { id: string } | null } }>(
      `mutation($input: AddMediatorInput!) { addMediator(input: $input) { id room { id } } }`,
      {
        input: {
          committeeId: c.createMediationCommittee.id,
          name: person,
          userId: user,
          specialties: ['FAMILY', 'NEIGHBOURHOOD'],
          ...(roomName ? { roomName } : {}),
        },
      },
    );
    committees[level] = {
      id: c.createMediationCommittee.id,
      mediatorId: m.addMediator.id,
      user,
      token: await stack.token({ roles: [Role.MEDIATOR], areas: [areaPath], sub: user }),
      roomId: m.addMediator.room?.id ?? null,
    };
  }
  return { tree, gridId, committees };
}

async function department(tree: Tree, kind: string, name: string): Promise<string> {
  const res = await ok<{ createDepartment: { id: string } }>(
    `mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { id } }`,
    { input: { code: `D${randomInt(1e9)}`, name, kind, level: 'DISTRICT', areaId: tree.district.id } },
  );
  // Mediation seats only departments grid organisation has announced to it.
  await waitForReplica(stack, 'dispute-mediation', [res.createDepartment.id], 30_000, 'department_replica');
  return res.createDepartment.id;
}

/** The district's property-dispute centre with departments seated and a mediation room and a judge studio. */
async function centre(tree: Tree, departmentIds: string[]) {
  const c = await ok<{ createMediationCentre: { id: string } }>(
    `mutation($input: CreateCentreInput!) { createMediationCentre(input: $input) { id } }`,
    { input: { name: `物业领域矛盾纠纷调处中心 ${randomInt(1e6)}`, areaPath: tree.district.path, departmentIds } },
  );
  const room = async (name: string, kind: string) =>
    (
      await ok<{ addRoom: { id: string } }>(`mutation($input: AddRoomInput!) { addRoom(input: $input) { id } }`, {
        input: { centreId: c.createMediationCentre.id, name, kind },
      })
    ).addRoom.id;
  return {
    id: c.createMediationCentre.id,
    mediationRoom: await room('调解室', 'MEDIATION_ROOM'),
    judgeStudio: await room('法官工作室', 'JUDGE_STUDIO'),
  };
}

const register = async (gridId: string, extra: Record<string, unknown> = {}, token = admin): Promise<Dispute> =>
  (
    await ok<{ registerDispute: Dispute }>(
      `mutation($input: RegisterDisputeInput!) { registerDispute(input: $input) { ${DISPUTE} } }`,
      { input: { gridId, kind: 'NEIGHBOURHOOD', origin: 'WALK_IN', summary: '楼上漏水，邻里纠纷', ...extra } },
      token,
    )
  ).registerDispute;

const step = (mutation: string, input: Record<string, unknown>, token: string) =>
  call<Record<string, Dispute>>(`mutation($input: ${inputOf[mutation]}!) { ${mutation}(input: $input) { ${DISPUTE} } }`, { input }, token);
const inputOf: Record<string, string> = {
  acceptDispute: 'DisputeStepInput',
  escalateDispute: 'EscalateDisputeInput',
  recordAgreement: 'RecordAgreementInput',
  recordJudicialConfirmation: 'RecordJudicialConfirmationInput',
  recordMediationFailure: 'DisputeStepInput',
  referDispute: 'ReferDisputeInput',
  withdrawDispute: 'DisputeStepInput',
  closeDispute: 'DisputeStepInput',
  recordFollowUp: 'RecordFollowUpInput',
};
const stepOk = async (mutation: string, input: Record<string, unknown>, token: string): Promise<Dispute> =>
  dataOf(await step(mutation, input, token))[mutation];

const SESSION = `id status startsAt endsAt disputeNumber minutes attendance { partyId present } room { id name } mediators { id name } departments { id }`;
const schedule = (input: Record<string, unknown>, token: string) =>
  call<{ scheduleMediationSession: { id: string; status: string } }>(
    `mutation($input: ScheduleSessionInput!) { scheduleMediationSession(input: $input) { ${SESSION} } }`,
    { input },
    token,
  );
const at = (hoursFromNow: number): string => new Date(Math.floor(Date.now() / 3600_000) * 3600_000 + hoursFromNow * 3600_000).toISOString();

async function escalateIncident(
  data: Partial<IncidentEscalatedData> & Pick<IncidentEscalatedData, 'gridId' | 'gridPath'>,
  eventId = randomUUID(),
) {
  const full: IncidentEscalatedData = {
    incidentId: randomUUID(),
    number: `DY-2026-${String(randomInt(1e6)).padStart(6, '0')}`,
    fromLevel: 'GRID',
    toLevel: 'VILLAGE',
    asDispute: true,
    disputeKind: 'PROPERTY_MANAGEMENT',
    residentIds: [],
    escalatedAt: new Date().toISOString(),
    ...data,
  };
  catalogue.validate(ReactionEvents.incidentEscalated, full);
  const event = toCloudEvent(
    '/civgrid/incident-reporting',
    { type: ReactionEvents.incidentEscalated, aggregateType: 'Incident', aggregateId: full.incidentId, data: full },
    eventId,
  );
  await producer.send({
    topic: mediation().topic('incident'),
    acks: -1,
    messages: [{ key: full.incidentId, value: JSON.stringify(event), headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE } }],
  });
  return { data: full, eventId };
}

const gridPathOf = async (gridId: string): Promise<string> =>
  (await query<{ path: string }>(mediation().db.url, 'SELECT path::text AS path FROM grid_replica WHERE id = $1', [gridId]))[0].path;

/** What a refused step might have written: the dispute row, its timeline, sessions and events. */
const footprint = async (disputeId: string) =>
  (
    await query(
      mediation().db.url,
      `SELECT (SELECT row_to_json(d)::text FROM dispute d WHERE id = $1) AS dispute,
         (SELECT count(*)::int FROM dispute_timeline WHERE dispute_id = $1) AS steps,
         (SELECT count(*)::int FROM mediation_session WHERE dispute_id = $1) AS sessions,
         (SELECT count(*)::int FROM outbox) AS events`,
      [disputeId],
    )
  )[0];

describe('dispute mediation through the gateway', () => {
  it('takes an escalated incident to a dispute once, through sessions and an agreement, to dispute-closed on the broker', async () => {
    const { tree, gridId, committees } = await platform();
    const gridPath = await gridPathOf(gridId);
    const [court, housing] = [
      await department(tree, 'COURT', '岱岳区人民法院'),
      await department(tree, 'HOUSING_CONSTRUCTION_BUREAU', '区住建局'),
    ];
    const place = await centre(tree, [court, housing]);
    const residents = [randomUUID(), randomUUID()];

    // The same event delivered twice, and a second escalation of the same incident: one dispute.
    const first = await escalateIncident({ gridId, gridPath, residentIds: residents });
    await escalateIncident(first.data, first.eventId);
    const again = await escalateIncident({ ...first.data, fromLevel: 'VILLAGE', toLevel: 'TOWN' });
    const incidentId = first.data.incidentId;
    const found = await eventually(async () => {
      const res = await ok<{
        disputes: {
          edges: {
            node: Dispute & {
              summary: string;
              kind: string;
              parties: { kind: string; role: string; residentId: string; name: string | null }[];
            };
          }[];
        };
      }>(`query($g: ID!) { disputes(gridId: $g) { edges { node { ${DISPUTE} summary kind parties { kind role residentId name } } } } }`, {
        g: gridId,
      });
      return res.disputes.edges.length > 0 ? res.disputes.edges.map((e) => e.node) : undefined;
    });
    // Every delivery is applied once the inbox holds both event ids: the duplicate shares the first id
    // and sits before the second escalation on the incident's partition (same key).
    await eventually(async () => {
      const rows = await query(
        mediation().db.url,
        `SELECT 1 FROM inbox WHERE consumer = 'dispute-mediation' AND event_id = ANY($1::text[])`,
        [[first.eventId, again.eventId]],
      );
      return rows.length === 2 ? rows : undefined;
    });
    const [{ n }] = await query<{ n: number }>(mediation().db.url, 'SELECT count(*)::int AS n FROM dispute WHERE origin_incident_id = $1', [
      incidentId,
    ]);
    expect(n).toBe(1);
    const dispute = found[0];
    expect(dispute).toMatchObject({ status: 'REGISTERED', level: 'VILLAGE', originIncidentId: incidentId, kind: 'PROPERTY_MANAGEMENT' });
    expect(dispute.summary).toContain(first.data.number);
    expect(dispute.parties).toEqual(residents.map((residentId) => ({ kind: 'RESIDENT', role: 'INVOLVED', residentId, name: null })));

    // Lao Wang of the village committee takes it on and books the centre's mediation room with the court and housing bureau.
    const laoWang = committees['VILLAGE'].token;
    expect(await stepOk('acceptDispute', { disputeId: dispute.id }, laoWang)).toMatchObject({
      status: 'ACCEPTED',
      committee: { id: committees['VILLAGE'].id, level: 'VILLAGE' },
    });
    const booked = await schedule(
      {
        disputeId: dispute.id,
        roomId: place.mediationRoom,
        startsAt: at(24),
        endsAt: at(26),
        mediatorIds: [committees['VILLAGE'].mediatorId],
        departmentIds: [court, housing],
      },
      laoWang,
    );
    const session = dataOf(booked).scheduleMediationSession;
    expect(session).toMatchObject({ status: 'SCHEDULED' });
    const parties = await ok<{ dispute: { status: string; parties: { id: string }[] } }>(
      `query($id: ID!) { dispute(id: $id) { status parties { id } } }`,
      { id: dispute.id },
      laoWang,
    );
    expect(parties.dispute.status).toBe('IN_MEDIATION');

    const record = {
      sessionId: session.id,
      minutes: '双方同意由物业公司修复防水层',
      attendance: [
        { partyId: parties.dispute.parties[0].id, present: true },
        { partyId: parties.dispute.parties[1].id, present: false },
      ],
    };
    const RECORD = `mutation($input: RecordSessionInput!) { recordMediationSession(input: $input) { ${SESSION} heldAt } }`;
    // Tomorrow's session cannot be recorded as held today.
    const beforeStart = await footprint(dispute.id);
    const early = await call(RECORD, { input: record }, laoWang);
    expect(reasonOf(early)).toEqual({ code: 'BAD_USER_INPUT', reason: 'SESSION_NOT_STARTED' });
    expect(await footprint(dispute.id)).toEqual(beforeStart);
    // Half an hour into the session, by the service's clock.
    const during = new Date(new Date(at(24)).getTime() + 30 * 60_000);
    await mediation().setClock(during);
    const held = await ok<{
      recordMediationSession: { status: string; minutes: string; heldAt: string; attendance: { partyId: string; present: boolean }[] };
    }>(RECORD, { input: record }, laoWang);
    expect(held.recordMediationSession).toMatchObject({
      status: 'HELD',
      minutes: '双方同意由物业公司修复防水层',
      heldAt: during.toISOString(),
    });
    expect(held.recordMediationSession.attendance).toHaveLength(2);

    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(during);
    expect(
      await stepOk(
        'recordAgreement',
        { disputeId: dispute.id, terms: '物业公司于两周内修复防水层，费用由维修基金承担', signedOn: today },
        laoWang,
      ),
    ).toMatchObject({
      status: 'AGREEMENT_REACHED',
      agreement: { signedOn: today, judicialConfirmation: null },
    });
    await stepOk('recordJudicialConfirmation', { disputeId: dispute.id, confirmation: 'REQUESTED' }, laoWang);
    expect(
      (await stepOk('recordJudicialConfirmation', { disputeId: dispute.id, confirmation: 'GRANTED' }, laoWang)).agreement
        ?.judicialConfirmation,
    ).toBe('GRANTED');
    const closed = await stepOk('closeDispute', { disputeId: dispute.id, note: '协议已履行' }, laoWang);
    expect(closed).toMatchObject({ status: 'CLOSED', outcome: 'AGREEMENT', nextActions: [] });
    await stepOk('recordFollowUp', { disputeId: dispute.id, visitedOn: today, finding: 'HONOURED', note: '防水层已修复' }, laoWang);

    const timeline = await ok<{
      dispute: { timeline: { action: string; toStatus: string; actor: string }[]; followUps: { finding: string }[] };
    }>(`query($id: ID!) { dispute(id: $id) { timeline { action toStatus actor } followUps { finding } } }`, { id: dispute.id }, laoWang);
    expect(timeline.dispute.timeline.map((s) => s.action)).toEqual([
      'REGISTER',
      'ACCEPT',
      'START_MEDIATION',
      'SESSION_SCHEDULED',
      'SESSION_HELD',
      'RECORD_AGREEMENT',
      'JUDICIAL_CONFIRMATION_REQUESTED',
      'JUDICIAL_CONFIRMATION_GRANTED',
      'CLOSE',
      'FOLLOW_UP',
    ]);
    expect(timeline.dispute.followUps).toEqual([{ finding: 'HONOURED' }]);
    // The timeline is a record: the database itself refuses to rewrite it.
    await expect(
      query(mediation().db.url, `UPDATE dispute_timeline SET actor = 'someone' WHERE dispute_id = $1`, [dispute.id]),
    ).rejects.toThrow(/append-only/);

    const messages = await readTopic(mediation().topic('mediation'), (m) =>
      m.some((x) => x.key === dispute.id && x.value['type'] === MediationEvents.followUpRecorded),
    );
    const mine = messages.filter((m) => m.key === dispute.id).map((m) => m.value as { type: string; data: Record<string, unknown> });
    expect(mine.map((m) => m.type)).toEqual([
      MediationEvents.disputeRegistered,
      MediationEvents.disputeAccepted,
      MediationEvents.sessionScheduled,
      MediationEvents.sessionHeld,
      MediationEvents.agreementReached,
      MediationEvents.judicialConfirmationRecorded,
      MediationEvents.judicialConfirmationRecorded,
      ReactionEvents.disputeClosed,
      MediationEvents.followUpRecorded,
    ]);
    const closedEvent = mine.find((m) => m.type === ReactionEvents.disputeClosed)!;
    expect(closedEvent.data).toMatchObject({
      disputeId: dispute.id,
      number: dispute.number,
      originIncidentId: incidentId,
      outcome: 'AGREEMENT',
    });
    for (const m of mine) expect(() => catalogue.validate(m.type, m.data)).not.toThrow();
    // Events carry ids and codes: no minutes, terms or summary.
    expect(JSON.stringify(mine)).not.toMatch(/防水|物业公司/);

    // Incident.dispute, as the gateway asks this subgraph for it.
    const entities = dataOf(
      await gql<{ _entities: ({ dispute: { id: string; status: string } | null } | null)[] }>(
        mediation().url,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Incident { dispute { id status } } } }`,
        {
          r: [
            { __typename: 'Incident', id: incidentId },
            { __typename: 'Incident', id: randomUUID() },
          ],
        },
        admin,
        asGateway(admin),
      ),
    );
    expect(entities._entities).toEqual([{ dispute: { id: dispute.id, status: 'CLOSED' } }, { dispute: null }]);
  });

  it('refuses a booking that overlaps another in the same room, by the database, and lets only one of concurrent bookings win', async () => {
    const { tree, gridId, committees } = await platform();
    const place = await centre(tree, []);
    const village = committees['VILLAGE'];
    const disputes: Dispute[] = [];
    for (let i = 0; i < 6; i++) {
      const d = await register(gridId);
      await stepOk('acceptDispute', { disputeId: d.id }, village.token);
      disputes.push(d);
    }
    const book = (d: Dispute, from: number, to: number, roomId = place.mediationRoom) =>
      schedule({ disputeId: d.id, roomId, startsAt: at(from), endsAt: at(to), mediatorIds: [village.mediatorId] }, village.token);

    expect(dataOf(await book(disputes[0], 48, 50)).scheduleMediationSession.status).toBe('SCHEDULED');
    const before = await footprint(disputes[1].id);
    const overlap = await book(disputes[1], 49, 51);
    expect(reasonOf(overlap)).toEqual({ code: 'CONFLICT', reason: 'ROOM_ALREADY_BOOKED' });
    expect(overlap.errors?.[0]?.message).toContain('调解室');
    expect(overlap.errors?.[0]?.extensions?.['details']).toEqual({ bookedFrom: at(48), bookedUntil: at(50) });
    expect(await footprint(disputes[1].id)).toEqual(before);
    // Back to back is fine ([start, end) ranges), and so is another room at the same time.
    expect(dataOf(await book(disputes[1], 50, 51)).scheduleMediationSession.status).toBe('SCHEDULED');
    expect(dataOf(await book(disputes[2], 48, 50, place.judgeStudio)).scheduleMediationSession.status).toBe('SCHEDULED');

    // Four bookings of one slot at once: the exclusion constraint lets exactly one through.
    const race = await Promise.all(disputes.slice(2, 6).map((d) => book(d, 60, 62)));
    expect(race.filter((r) => !r.errors).length).toBe(1);
    expect(race.filter((r) => r.errors).map(reasonOf)).toEqual(Array(3).fill({ code: 'CONFLICT', reason: 'ROOM_ALREADY_BOOKED' }));
    const [{ n }] = await query<{ n: number }>(
      mediation().db.url,
      `SELECT count(*)::int AS n FROM mediation_session WHERE room_id = $1 AND during && tstzrange($2, $3)`,
      [place.mediationRoom, at(60), at(62)],
    );
    expect(n).toBe(1);

    // Cancelling frees the slot.
    const winner = race.find((r) => !r.errors)!;
    await ok(
      `mutation($input: CancelSessionInput!) { cancelMediationSession(input: $input) { id } }`,
      { input: { sessionId: dataOf(winner).scheduleMediationSession.id, reason: '当事人外出' } },
      village.token,
    );
    expect(dataOf(await book(disputes[5], 60, 62)).scheduleMediationSession.status).toBe('SCHEDULED');
  });

  it('escalates village → town → district, each level’s committee taking over, and no further', async () => {
    const { gridId, committees } = await platform();
    const dispute = await register(gridId, { kind: 'LAND_REQUISITION' });
    const village = committees['VILLAGE'].token;
    const town = committees['TOWN'].token;
    const district = committees['DISTRICT'].token;

    await stepOk('acceptDispute', { disputeId: dispute.id }, village);
    expect(await stepOk('escalateDispute', { disputeId: dispute.id, reason: '涉及征地补偿，村级无法调处' }, village)).toMatchObject({
      level: 'TOWN',
      status: 'REGISTERED',
      committee: null,
    });
    // The village mediator no longer acts on it; the town committee does.
    expect(reasonOf(await step('acceptDispute', { disputeId: dispute.id }, village))).toEqual({
      code: 'FORBIDDEN',
      reason: 'NOT_AT_THIS_LEVEL',
    });
    expect(await stepOk('acceptDispute', { disputeId: dispute.id }, town)).toMatchObject({
      level: 'TOWN',
      committee: { id: committees['TOWN'].id },
    });
    expect(await stepOk('escalateDispute', { disputeId: dispute.id, reason: '需区级多部门联合调处' }, town)).toMatchObject({
      level: 'DISTRICT',
    });
    expect(await stepOk('acceptDispute', { disputeId: dispute.id }, district)).toMatchObject({
      level: 'DISTRICT',
      committee: { id: committees['DISTRICT'].id },
    });
    const before = await footprint(dispute.id);
    expect(reasonOf(await step('escalateDispute', { disputeId: dispute.id, reason: '再上报' }, district))).toEqual({
      code: 'CONFLICT',
      reason: 'DISPUTE_AT_TOP_LEVEL',
    });
    expect(await footprint(dispute.id)).toEqual(before);

    const res = await ok<{ dispute: { timeline: { action: string; fromLevel: string | null; toLevel: string; note: string | null }[] } }>(
      `query($id: ID!) { dispute(id: $id) { timeline { action fromLevel toLevel note } } }`,
      { id: dispute.id },
      district,
    );
    expect(res.dispute.timeline.filter((s) => s.action === 'ESCALATE')).toEqual([
      { action: 'ESCALATE', fromLevel: 'VILLAGE', toLevel: 'TOWN', note: '涉及征地补偿，村级无法调处' },
      { action: 'ESCALATE', fromLevel: 'TOWN', toLevel: 'DISTRICT', note: '需区级多部门联合调处' },
    ]);
    const events = await readTopic(
      mediation().topic('mediation'),
      (m) => m.filter((x) => x.key === dispute.id && x.value['type'] === MediationEvents.disputeEscalated).length === 2,
    );
    expect(
      events
        .filter((x) => x.key === dispute.id && x.value['type'] === MediationEvents.disputeEscalated)
        .map((x) => (x.value['data'] as { fromLevel: string; level: string }).level),
    ).toEqual(['TOWN', 'DISTRICT']);
  });

  it('refuses illegal transitions with CONFLICT and writes nothing', async () => {
    const { gridId, committees } = await platform();
    const token = committees['VILLAGE'].token;
    const dispute = await register(gridId);
    const before = await footprint(dispute.id);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const cases: [string, Record<string, unknown>][] = [
      ['recordAgreement', { disputeId: dispute.id, terms: '赔偿 500 元', signedOn: today }],
      ['closeDispute', { disputeId: dispute.id }],
      ['recordMediationFailure', { disputeId: dispute.id }],
      ['referDispute', { disputeId: dispute.id, to: 'LITIGATION' }],
    ];
    for (const [mutation, input] of cases) {
      const res = await step(mutation, input, token);
      expect({ mutation, ...reasonOf(res) }).toEqual({ mutation, code: 'CONFLICT', reason: 'DISPUTE_ILLEGAL_TRANSITION' });
      expect(res.errors?.[0]?.extensions?.['details']).toMatchObject({ status: 'REGISTERED', allowed: ['ACCEPT', 'ESCALATE', 'WITHDRAW'] });
    }
    expect(await footprint(dispute.id)).toEqual(before);

    // A session cannot be booked before the committee accepts the dispute.
    const room = committees['VILLAGE'].roomId!;
    const early = await schedule(
      { disputeId: dispute.id, roomId: room, startsAt: at(5), endsAt: at(6), mediatorIds: [committees['VILLAGE'].mediatorId] },
      token,
    );
    expect(reasonOf(early)).toEqual({ code: 'CONFLICT', reason: 'DISPUTE_NOT_IN_MEDIATION' });

    // Withdrawn is final.
    expect(await stepOk('withdrawDispute', { disputeId: dispute.id, note: '双方自行和解' }, token)).toMatchObject({
      status: 'WITHDRAWN',
      outcome: 'WITHDRAWN',
    });
    const after = await footprint(dispute.id);
    expect(reasonOf(await step('acceptDispute', { disputeId: dispute.id }, token))).toMatchObject({
      code: 'CONFLICT',
      reason: 'DISPUTE_ILLEGAL_TRANSITION',
    });
    expect(await footprint(dispute.id)).toEqual(after);
    const closed = await readTopic(mediation().topic('mediation'), (m) =>
      m.some((x) => x.key === dispute.id && x.value['type'] === ReactionEvents.disputeClosed),
    );
    expect(closed.find((x) => x.key === dispute.id && x.value['type'] === ReactionEvents.disputeClosed)!.value['data']).toMatchObject({
      outcome: 'WITHDRAWN',
      originIncidentId: null,
    });
  });

  it('refuses a mediator outside the dispute’s level and area, as actor and as a session participant', async () => {
    const { gridId, committees } = await platform();
    const other = await platform();
    const dispute = await register(gridId);
    const before = await footprint(dispute.id);
    // A village mediator of another community, and the town mediator above this one, cannot take a village dispute on.
    expect(reasonOf(await step('acceptDispute', { disputeId: dispute.id }, other.committees['VILLAGE'].token))).toEqual({
      code: 'NOT_FOUND',
      reason: 'DISPUTE_NOT_FOUND',
    });
    const elsewhere = await stack.token({
      roles: [Role.MEDIATOR],
      areas: [(await gridPathOf(gridId)).split('.').slice(0, 1).join('.')],
      sub: other.committees['VILLAGE'].user,
    });
    expect(reasonOf(await step('acceptDispute', { disputeId: dispute.id }, elsewhere))).toEqual({
      code: 'FORBIDDEN',
      reason: 'NOT_AT_THIS_LEVEL',
    });
    expect(reasonOf(await step('acceptDispute', { disputeId: dispute.id }, committees['TOWN'].token))).toEqual({
      code: 'FORBIDDEN',
      reason: 'NOT_AT_THIS_LEVEL',
    });
    expect(await footprint(dispute.id)).toEqual(before);

    await stepOk('acceptDispute', { disputeId: dispute.id }, committees['VILLAGE'].token);
    const room = committees['VILLAGE'].roomId!;
    for (const mediatorId of [committees['TOWN'].mediatorId, other.committees['VILLAGE'].mediatorId]) {
      const res = await schedule(
        {
          disputeId: dispute.id,
          roomId: room,
          startsAt: at(30),
          endsAt: at(31),
          mediatorIds: [committees['VILLAGE'].mediatorId, mediatorId],
        },
        committees['VILLAGE'].token,
      );
      expect(reasonOf(res)).toEqual({ code: 'BAD_USER_INPUT', reason: 'MEDIATOR_NOT_AT_THIS_LEVEL' });
      expect(res.errors?.[0]?.extensions?.['details']).toEqual({ mediatorIds: [mediatorId] });
    }
    // Another community's own room is not this dispute's either.
    const foreignRoom = await schedule(
      {
        disputeId: dispute.id,
        roomId: other.committees['VILLAGE'].roomId,
        startsAt: at(30),
        endsAt: at(31),
        mediatorIds: [committees['VILLAGE'].mediatorId],
      },
      committees['VILLAGE'].token,
    );
    expect(reasonOf(foreignRoom)).toEqual({ code: 'BAD_USER_INPUT', reason: 'ROOM_OUT_OF_AREA' });
    const [{ n }] = await query<{ n: number }>(
      mediation().db.url,
      'SELECT count(*)::int AS n FROM mediation_session WHERE dispute_id = $1',
      [dispute.id],
    );
    expect(n).toBe(0);
    // In Lao Wang's own room it works.
    expect(
      dataOf(
        await schedule(
          { disputeId: dispute.id, roomId: room, startsAt: at(30), endsAt: at(31), mediatorIds: [committees['VILLAGE'].mediatorId] },
          committees['VILLAGE'].token,
        ),
      ).scheduleMediationSession.status,
    ).toBe('SCHEDULED');
  });

  it('shows department officers only the sessions their department takes part in, with Department.mediationSessions in one statement', async () => {
    const { tree, gridId, committees } = await platform();
    const court = await department(tree, 'COURT', '岱岳区人民法院');
    const housing = await department(tree, 'HOUSING_CONSTRUCTION_BUREAU', '区住建局');
    const letters = await department(tree, 'LETTERS_CALLS_BUREAU', '区信访局');
    const place = await centre(tree, [court, housing, letters]);
    const village = committees['VILLAGE'];
    const [a, b] = [await register(gridId, { kind: 'PROPERTY_MANAGEMENT' }), await register(gridId, { kind: 'HOUSING_SALES' })];
    for (const d of [a, b]) await stepOk('acceptDispute', { disputeId: d.id }, village.token);
    const sa = dataOf(
      await schedule(
        {
          disputeId: a.id,
          roomId: place.mediationRoom,
          startsAt: at(72),
          endsAt: at(73),
          mediatorIds: [village.mediatorId],
          departmentIds: [court, housing],
        },
        village.token,
      ),
    ).scheduleMediationSession;
    const sb = dataOf(
      await schedule(
        {
          disputeId: b.id,
          roomId: place.judgeStudio,
          startsAt: at(74),
          endsAt: at(75),
          mediatorIds: [village.mediatorId],
          departmentIds: [housing],
        },
        village.token,
      ),
    ).scheduleMediationSession;
    const notSeated = await schedule(
      {
        disputeId: b.id,
        roomId: place.judgeStudio,
        startsAt: at(80),
        endsAt: at(81),
        mediatorIds: [village.mediatorId],
        departmentIds: [randomUUID()],
      },
      village.token,
    );
    expect(reasonOf(notSeated)).toEqual({ code: 'BAD_USER_INPUT', reason: 'DEPARTMENT_NOT_SEATED' });

    const judge = await stack.token({ roles: [Role.DEPARTMENT_OFFICER], sub: 'judge-zhang', dept: court });
    const mine = await ok<{
      mediationSessions: { totalCount: number; edges: { node: { id: string; disputeNumber: string; dispute: { id: string } | null } }[] };
    }>(`{ mediationSessions { totalCount edges { node { id disputeNumber dispute { id } } } } }`, {}, judge);
    // The department takes part in this session: the dispute concerns it, so the judge may open it.
    expect(mine.mediationSessions).toEqual({
      totalCount: 1,
      edges: [{ node: { id: sa.id, disputeNumber: a.number, dispute: { id: a.id } } }],
    });
    expect(reasonOf(await call(`query($id: ID!) { mediationSession(id: $id) { id } }`, { id: sb.id }, judge))).toEqual({
      code: 'NOT_FOUND',
      reason: 'SESSION_NOT_FOUND',
    });

    // Through the gateway, grid-organisation's Department with this subgraph's sessions.
    await mediation().sql.record();
    const depts = await ok<{
      departments: {
        edges: { node: { id: string; name: string; mediationSessions: { totalCount: number; edges: { node: { id: string } }[] } } }[];
      };
    }>(
      `query($p: String!) { departments(underPath: $p) { edges { node { id name mediationSessions { totalCount edges { node { id } } } } } } }`,
      { p: tree.district.path },
    );
    const statements = (await mediation().sql.stop()).filter((s) => /mediation_session/.test(s));
    const byId = Object.fromEntries(depts.departments.edges.map((e) => [e.node.id, e.node.mediationSessions.edges.map((x) => x.node.id)]));
    expect(byId).toEqual({ [court]: [sa.id], [housing]: [sa.id, sb.id], [letters]: [] });
    expect(statements).toHaveLength(1);

    // The judge asking about every department sees only the sessions the court takes part in.
    const asJudge = await ok<{
      departments: { edges: { node: { id: string; mediationSessions: { totalCount: number; edges: { node: { id: string } }[] } } }[] };
    }>(
      `query($p: String!) { departments(underPath: $p) { edges { node { id mediationSessions { totalCount edges { node { id } } } } } } }`,
      { p: tree.district.path },
      judge,
    );
    expect(
      Object.fromEntries(asJudge.departments.edges.map((e) => [e.node.id, e.node.mediationSessions.edges.map((x) => x.node.id)])),
    ).toEqual({ [court]: [sa.id], [housing]: [sa.id], [letters]: [] });
    expect(asJudge.departments.edges.map((e) => e.node.mediationSessions.totalCount).sort()).toEqual([0, 1, 1]);
    const judgeView = await gql<{ _entities: { mediationSessions: { edges: { node: { id: string } }[] } }[] }>(
      mediation().url,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Department { mediationSessions { edges { node { id } } } } } }`,
      { r: [{ __typename: 'Department', id: housing }] },
      judge,
      asGateway(judge),
    );
    expect(dataOf(judgeView)._entities[0].mediationSessions.edges.map((e) => e.node.id)).toEqual([sa.id]);
  });

  it('gives a district officer the open disputes of the district, newest first, and the grid its disputes', async () => {
    const { tree, gridId, committees } = await platform();
    const officer = await stack.token({ roles: [Role.DISTRICT_OFFICER], areas: [tree.district.path], sub: 'district-officer' });
    const open = [await register(gridId), await register(gridId), await register(gridId)];
    const done = await register(gridId);
    await stepOk('withdrawDispute', { disputeId: done.id }, committees['VILLAGE'].token);
    const res = await ok<{ disputes: { totalCount: number; edges: { node: { id: string } }[] } }>(
      `query($p: String!) { disputes(open: true, underPath: $p, first: 2) { totalCount edges { node { id } } } }`,
      { p: tree.district.path },
      officer,
    );
    expect(res.disputes.totalCount).toBe(3);
    expect(res.disputes.edges.map((e) => e.node.id)).toEqual([open[2].id, open[1].id]);
    const grid = await ok<{ grid: { disputes: { totalCount: number } } }>(
      `query($id: ID!) { grid(id: $id) { disputes(open: false) { totalCount } } }`,
      { id: gridId },
      officer,
    );
    expect(grid.grid.disputes.totalCount).toBe(1);
  });
});
