import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Role } from '@civgrid/auth';
import { IncidentEscalatedData, ReactionEvents } from '@civgrid/contracts';
import { toCloudEvent } from '@civgrid/events';
import { createTestDatabase, dataOf, eventually, gql, query, reasonOf, testDistrictCode, tokenFor } from '@civgrid/testing';
import { disputeMediation } from '../src';
import { Grid, mediationSuite } from './factories';

const suite = mediationSuite();
const { run, ok } = suite;

/** A local day in China by the service's clock, `days` from now. */
const localDay = (days = 0) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(suite.svc.clock.now().getTime() + days * 86_400_000));
const today = () => localDay();

/** A committee of `level` over `areaPath` with one mediator and their own room; returns the mediator and their token. */
async function committeeMediator(level: string, areaPath: string) {
  const committee = await ok<{ createMediationCommittee: { id: string } }>(
    `mutation($input: CreateCommitteeInput!) { createMediationCommittee(input: $input) { id } }`,
    { input: { name: '人民调解委员会', level, areaPath } },
  );
  const sub = `lao-wang-${randomUUID()}`;
  const mediator = await ok<{ addMediator: { id: string; room: { id: string; name: string } } }>(
    `mutation($input: AddMediatorInput!) { addMediator(input: $input) { id room { id name } } }`,
    { input: { committeeId: committee.createMediationCommittee.id, name: '王绪文', userId: sub, roomName: '老王调解室' } },
  );
  const token = await tokenFor(suite.svc.keys, { roles: [Role.MEDIATOR], areas: [areaPath], sub });
  return {
    id: mediator.addMediator.id,
    roomId: mediator.addMediator.room.id,
    token,
    committeeId: committee.createMediationCommittee.id,
    sub,
  };
}
const villageMediator = (grid: Grid) => committeeMediator('VILLAGE', grid.areaPath);

/** Books an hour from `start` in the mediator's own room. */
const book = async (disputeId: string, m: { id: string; roomId: string; token: string }, start: Date): Promise<string> =>
  (
    await ok<{ scheduleMediationSession: { id: string } }>(
      `mutation($input: ScheduleSessionInput!) { scheduleMediationSession(input: $input) { id } }`,
      {
        input: {
          disputeId,
          roomId: m.roomId,
          startsAt: start.toISOString(),
          endsAt: new Date(start.getTime() + 3600_000).toISOString(),
          mediatorIds: [m.id],
        },
      },
      m.token,
    )
  ).scheduleMediationSession.id;

const STEP = `id status agreement { terms signedOn judicialConfirmation }`;
const step = (mutation: string, type: string, input: Record<string, unknown>, token: string) =>
  run<Record<string, { status: string }>>(`mutation($input: ${type}!) { ${mutation}(input: $input) { ${STEP} } }`, { input }, token);

async function inMediation(grid: Grid, parties: Record<string, unknown>[] = []) {
  const m = await villageMediator(grid);
  const dispute = await suite.make.dispute(grid, { parties });
  dataOf(await step('acceptDispute', 'DisputeStepInput', { disputeId: dispute.id }, m.token));
  // Tomorrow, on the hour, in the mediator's own room.
  const start = new Date(Math.floor(suite.svc.clock.now().getTime() / 3600_000) * 3600_000 + 86_400_000);
  return { m, dispute, sessionId: await book(dispute.id, m, start), start };
}

const RECORD = `mutation($input: RecordSessionInput!) { recordMediationSession(input: $input) { id status heldAt } }`;

/** The clock moves to half an hour into the session, and its minutes are recorded. */
async function hold(sessionId: string, start: Date, token: string, minutes = '双方陈述意见'): Promise<void> {
  suite.svc.clock.set(new Date(start.getTime() + 30 * 60_000));
  dataOf(await run(RECORD, { input: { sessionId, minutes } }, token));
}

describe('the mediation platform', () => {
  it('keeps parties as resident ids or outside names, and refuses a resident given with a name', async () => {
    const grid = await suite.make.grid();
    const [residentId] = await suite.make.residents(grid);
    const d = await suite.make.dispute(grid, {
      parties: [
        { role: 'APPLICANT', kind: 'RESIDENT', residentId },
        { role: 'RESPONDENT', kind: 'ORGANISATION', name: '泰安某物业服务有限公司' },
      ],
    });
    const rows = await query(
      suite.svc.db.url,
      'SELECT kind, resident_id AS "residentId", name FROM dispute_party WHERE dispute_id = $1 ORDER BY position',
      [d.id],
    );
    expect(rows).toEqual([
      { kind: 'RESIDENT', residentId, name: null },
      { kind: 'ORGANISATION', residentId: null, name: '泰安某物业服务有限公司' },
    ]);
    const res = await run(`mutation($input: RegisterDisputeInput!) { registerDispute(input: $input) { id } }`, {
      input: {
        gridId: grid.id,
        kind: 'FAMILY',
        origin: 'WALK_IN',
        summary: '家庭纠纷',
        parties: [{ role: 'APPLICANT', kind: 'RESIDENT', residentId, name: '张三' }],
      },
    });
    expect(reasonOf(res)).toEqual({ code: 'BAD_USER_INPUT', reason: 'DISPUTE_PARTY_IDENTITY' });
  });

  it('shows an analyst the shape of a case (kind, status, parties by kind) but not its words or the names in it', async () => {
    const grid = await suite.make.grid();
    const d = await suite.make.dispute(grid, {
      summary: '张三与李四因楼上漏水发生纠纷',
      parties: [
        { role: 'APPLICANT', kind: 'PERSON', name: '张三' },
        { role: 'RESPONDENT', kind: 'ORGANISATION', name: '泰安某物业服务有限公司' },
      ],
    });
    const Q = `query($id: ID!) { dispute(id: $id) { kind status summary parties { role kind name } timeline { action note } } }`;
    type D = {
      dispute: { kind: string; status: string; summary: string | null; parties: { role: string; kind: string; name: string | null }[] };
    };
    const analyst = await tokenFor(suite.svc.keys, { roles: [Role.ANALYST], areas: [grid.townPath], sub: 'analyst' });
    const seen = (await ok<D>(Q, { id: d.id }, analyst)).dispute;
    expect(seen).toMatchObject({
      kind: 'NEIGHBOURHOOD',
      status: 'REGISTERED',
      summary: null,
      parties: [
        { role: 'APPLICANT', kind: 'PERSON', name: null },
        { role: 'RESPONDENT', kind: 'ORGANISATION', name: null },
      ],
    });
    expect(JSON.stringify(seen)).not.toMatch(/张三|李四|物业/);
    // The officer who answers for the area reads them.
    const officer = await tokenFor(suite.svc.keys, { roles: [Role.TOWN_OFFICER], areas: [grid.townPath] });
    expect((await ok<D>(Q, { id: d.id }, officer)).dispute).toMatchObject({
      summary: '张三与李四因楼上漏水发生纠纷',
      parties: [{ name: '张三' }, { name: '泰安某物业服务有限公司' }],
    });
  });

  it('answers Resident.disputes for 3 residents with one SQL statement, within the asker’s areas', async () => {
    const [grid, other] = await suite.make.grids(2);
    const residents = await suite.make.residents(grid, 3);
    const party = (residentId: string) => ({ role: 'APPLICANT', kind: 'RESIDENT', residentId });
    const d1 = await suite.make.dispute(grid, { parties: [party(residents[0]), party(residents[1])] });
    const d2 = await suite.make.dispute(grid, { parties: [party(residents[0])] });
    await suite.make.dispute(other, { parties: [party(residents[0])] });
    const officer = await tokenFor(suite.svc.keys, { roles: [Role.COMMUNITY_OFFICER], areas: [grid.areaPath] });

    suite.svc.sql.record();
    const res = await ok<{ _entities: { id: string; disputes: { totalCount: number; edges: { node: { id: string } }[] } }[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Resident { id disputes { totalCount edges { node { id } } } } } }`,
      { r: residents.map((id) => ({ __typename: 'Resident', id })) },
      officer,
    );
    const statements = suite.svc.sql.stop().filter((s) => /\bdispute\b/.test(s));
    expect(res._entities.map((e) => e.disputes.edges.map((x) => x.node.id))).toEqual([[d2.id, d1.id], [d1.id], []]);
    expect(res._entities.map((e) => e.disputes.totalCount)).toEqual([2, 1, 0]);
    expect(statements).toHaveLength(1);
  });

  it('registers an escalated incident at the level it reached, and ignores escalations that are not disputes', async () => {
    const grid = await suite.make.grid();
    const send = async (over: Partial<IncidentEscalatedData>) => {
      const data: IncidentEscalatedData = {
        incidentId: randomUUID(),
        number: 'DY-2026-000123',
        gridId: grid.id,
        gridPath: grid.path,
        fromLevel: 'VILLAGE',
        toLevel: 'TOWN',
        asDispute: true,
        disputeKind: null,
        residentIds: [],
        escalatedAt: new Date().toISOString(),
        ...over,
      };
      await suite.make.publishRaw(
        suite.svc.topic('incident'),
        data.incidentId,
        JSON.stringify(
          toCloudEvent('/civgrid/incident-reporting', {
            type: ReactionEvents.incidentEscalated,
            aggregateType: 'Incident',
            aggregateId: data.incidentId,
            data,
          }),
        ),
      );
      return data;
    };
    const notDispute = await send({ asDispute: false });
    const town = await send({ incidentId: await suite.make.incident(grid) });
    const [row] = await eventually(async () => {
      const rows = await query(
        suite.svc.db.url,
        `SELECT level, kind, registered_by AS "registeredBy" FROM dispute WHERE origin_incident_id = $1`,
        [town.incidentId],
      );
      return rows.length ? rows : undefined;
    });
    expect(row).toEqual({ level: 'TOWN', kind: 'OTHER', registeredBy: 'incident-reporting' });
    const [{ n }] = await query<{ n: number }>(suite.svc.db.url, `SELECT count(*)::int AS n FROM dispute WHERE origin_incident_id = $1`, [
      notDispute.incidentId,
    ]);
    expect(n).toBe(0);
    // Registering the same incident again by hand is refused.
    const dup = await run(`mutation($input: RegisterDisputeInput!) { registerDispute(input: $input) { id } }`, {
      input: { gridId: grid.id, kind: 'OTHER', origin: 'INCIDENT', originIncidentId: town.incidentId, summary: '重复' },
    });
    expect(reasonOf(dup)).toEqual({ code: 'CONFLICT', reason: 'INCIDENT_ALREADY_HAS_DISPUTE' });
  });

  it('needs a held session before an agreement, refuses a future signing day, and keeps judicial confirmation in order', async () => {
    const grid = await suite.make.grid();
    const { m, dispute, sessionId, start } = await inMediation(grid, [{ role: 'APPLICANT', kind: 'PERSON', name: '外来务工人员' }]);
    const agree = (signedOn: string) =>
      step('recordAgreement', 'RecordAgreementInput', { disputeId: dispute.id, terms: '一次性补偿 3000 元', signedOn }, m.token);
    expect(reasonOf(await agree(today()))).toEqual({ code: 'CONFLICT', reason: 'DISPUTE_NO_SESSION_HELD' });

    suite.svc.clock.set(start);
    const foreignParty = await run(
      `mutation($input: RecordSessionInput!) { recordMediationSession(input: $input) { id } }`,
      {
        input: { sessionId, minutes: '纪要', attendance: [{ partyId: randomUUID(), present: true }] },
      },
      m.token,
    );
    expect(reasonOf(foreignParty)).toEqual({ code: 'BAD_USER_INPUT', reason: 'ATTENDANCE_UNKNOWN_PARTY' });
    await hold(sessionId, start, m.token);
    const again = await run(
      `mutation($input: RecordSessionInput!) { recordMediationSession(input: $input) { id } }`,
      { input: { sessionId, minutes: '再次' } },
      m.token,
    );
    expect(reasonOf(again)).toEqual({ code: 'CONFLICT', reason: 'SESSION_NOT_SCHEDULED' });

    const tomorrow = localDay(2);
    expect(reasonOf(await agree(tomorrow))).toEqual({ code: 'BAD_USER_INPUT', reason: 'AGREEMENT_SIGNED_IN_FUTURE' });
    expect(reasonOf(await agree('2026-02-30'))).toMatchObject({ code: 'BAD_USER_INPUT' });
    dataOf(await agree(today()));

    const confirm = (confirmation: string) =>
      step('recordJudicialConfirmation', 'RecordJudicialConfirmationInput', { disputeId: dispute.id, confirmation }, m.token);
    expect(reasonOf(await confirm('GRANTED'))).toEqual({ code: 'CONFLICT', reason: 'JUDICIAL_CONFIRMATION_ORDER' });
    dataOf(await confirm('REQUESTED'));
    expect(reasonOf(await confirm('REQUESTED'))).toEqual({ code: 'CONFLICT', reason: 'JUDICIAL_CONFIRMATION_ORDER' });
    expect(dataOf(await confirm('REFUSED'))['recordJudicialConfirmation']).toMatchObject({
      agreement: { judicialConfirmation: 'REFUSED' },
    });
    const visit = (visitedOn: string) =>
      step('recordFollowUp', 'RecordFollowUpInput', { disputeId: dispute.id, visitedOn, finding: 'PARTLY_HONOURED' }, m.token);
    expect(reasonOf(await visit('2020-01-01'))).toEqual({ code: 'BAD_USER_INPUT', reason: 'FOLLOW_UP_BEFORE_AGREEMENT' });
    expect(reasonOf(await visit(tomorrow))).toEqual({ code: 'BAD_USER_INPUT', reason: 'FOLLOW_UP_IN_FUTURE' });
    dataOf(await visit(today()));
  });

  it('refuses minutes of a session that has not started by the service clock, and records them from its start', async () => {
    const grid = await suite.make.grid();
    const { m, dispute, sessionId, start } = await inMediation(grid);
    const footprint = () =>
      query(
        suite.svc.db.url,
        `SELECT (SELECT row_to_json(s)::text FROM mediation_session s WHERE id = $1) AS session,
           (SELECT count(*)::int FROM dispute_timeline WHERE dispute_id = $2) AS steps, (SELECT count(*)::int FROM outbox) AS events`,
        [sessionId, dispute.id],
      );
    const before = await footprint();
    suite.svc.clock.set(new Date(start.getTime() - 60_000));
    const early = await run(RECORD, { input: { sessionId, minutes: '提前编写的纪要' } }, m.token);
    expect(reasonOf(early)).toEqual({ code: 'BAD_USER_INPUT', reason: 'SESSION_NOT_STARTED' });
    expect(early.errors?.[0]?.extensions?.['details']).toEqual({ startsAt: start.toISOString() });
    expect(await footprint()).toEqual(before);

    suite.svc.clock.set(start);
    const held = dataOf(
      await run<{ recordMediationSession: { status: string; heldAt: string } }>(
        RECORD,
        { input: { sessionId, minutes: '准时开始' } },
        m.token,
      ),
    );
    expect(held.recordMediationSession).toEqual({ id: sessionId, status: 'HELD', heldAt: start.toISOString() });
    const [step] = await query(suite.svc.db.url, `SELECT at FROM dispute_timeline WHERE dispute_id = $1 AND action = 'SESSION_HELD'`, [
      dispute.id,
    ]);
    expect(step).toEqual({ at: start });
  });

  it('refers a failed mediation to arbitration and closes it with that outcome', async () => {
    const grid = await suite.make.grid();
    const { m, dispute, sessionId, start } = await inMediation(grid);
    await hold(sessionId, start, m.token, '分歧较大');
    dataOf(await step('recordMediationFailure', 'DisputeStepInput', { disputeId: dispute.id, note: '调解不成' }, m.token));
    dataOf(await step('referDispute', 'ReferDisputeInput', { disputeId: dispute.id, to: 'ARBITRATION' }, m.token));
    const closed = await ok<{ closeDispute: { status: string; outcome: string } }>(
      `mutation($input: DisputeStepInput!) { closeDispute(input: $input) { status outcome } }`,
      { input: { disputeId: dispute.id } },
      m.token,
    );
    expect(closed.closeDispute).toEqual({ status: 'CLOSED', outcome: 'REFERRED_TO_ARBITRATION' });
    const follow = await step(
      'recordFollowUp',
      'RecordFollowUpInput',
      { disputeId: dispute.id, visitedOn: today(), finding: 'HONOURED' },
      m.token,
    );
    expect(reasonOf(follow)).toEqual({ code: 'CONFLICT', reason: 'DISPUTE_NO_AGREEMENT' });
    const followedUp = await query(suite.svc.db.url, 'SELECT count(*)::int AS n FROM dispute_follow_up WHERE dispute_id = $1', [
      dispute.id,
    ]);
    expect(followedUp).toEqual([{ n: 0 }]);
  });

  it('frees the rooms a level booked when the dispute goes up, and lets a grid member see only their own grids’ disputes', async () => {
    const grid = await suite.make.grid();
    const { m, dispute, sessionId } = await inMediation(grid);
    dataOf(await step('escalateDispute', 'EscalateDisputeInput', { disputeId: dispute.id, reason: '村级调解不成' }, m.token));
    const [session] = await query(suite.svc.db.url, 'SELECT status FROM mediation_session WHERE id = $1', [sessionId]);
    expect(session).toEqual({ status: 'CANCELLED' });

    const member = await tokenFor(suite.svc.keys, { roles: [Role.GRID_MEMBER], areas: [grid.areaPath], grids: [randomUUID()] });
    const mine = await tokenFor(suite.svc.keys, { roles: [Role.GRID_MEMBER], areas: [grid.areaPath], grids: [grid.id] });
    const read = (token: string) =>
      run<{ dispute: { id: string } }>(`query($id: ID!) { dispute(id: $id) { id } }`, { id: dispute.id }, token);
    expect(reasonOf(await read(member))).toEqual({ code: 'NOT_FOUND', reason: 'DISPUTE_NOT_FOUND' });
    expect(dataOf(await read(mine)).dispute.id).toBe(dispute.id);
  });

  it('lets no session of a lower level count for an outcome after escalation, and forgets a referral made below', async () => {
    const grid = await suite.make.grid();
    const { m: village, dispute, sessionId, start } = await inMediation(grid);
    await hold(sessionId, start, village.token);
    dataOf(await step('referDispute', 'ReferDisputeInput', { disputeId: dispute.id, to: 'ARBITRATION' }, village.token));
    const escalated = await ok<{ escalateDispute: { level: string; status: string; referredTo: string | null } }>(
      `mutation($input: EscalateDisputeInput!) { escalateDispute(input: $input) { level status referredTo } }`,
      { input: { disputeId: dispute.id, reason: '村级调解不成' } },
      village.token,
    );
    expect(escalated.escalateDispute).toEqual({ level: 'TOWN', status: 'REGISTERED', referredTo: null });

    const town = await committeeMediator('TOWN', grid.townPath);
    dataOf(await step('acceptDispute', 'DisputeStepInput', { disputeId: dispute.id }, town.token));
    const later = new Date(start.getTime() + 86_400_000);
    const townSession = await book(dispute.id, town, later);
    // The village's session was held, but the town committee has not met the parties yet.
    const agree = await step(
      'recordAgreement',
      'RecordAgreementInput',
      { disputeId: dispute.id, terms: '一次性补偿 3000 元', signedOn: today() },
      town.token,
    );
    expect(reasonOf(agree)).toEqual({ code: 'CONFLICT', reason: 'DISPUTE_NO_SESSION_HELD' });
    const fail = await step('recordMediationFailure', 'DisputeStepInput', { disputeId: dispute.id }, town.token);
    expect(reasonOf(fail)).toEqual({ code: 'CONFLICT', reason: 'DISPUTE_NO_SESSION_HELD' });

    await hold(townSession, later, town.token);
    dataOf(await step('recordMediationFailure', 'DisputeStepInput', { disputeId: dispute.id, note: '镇级调解不成' }, town.token));
    const closed = await ok<{
      closeDispute: { outcome: string; referredTo: string | null; sessions: { edges: { node: { level: string; status: string } }[] } };
    }>(
      `mutation($input: DisputeStepInput!) { closeDispute(input: $input) { outcome referredTo sessions { edges { node { level status } } } } }`,
      { input: { disputeId: dispute.id } },
      town.token,
    );
    // Failed at the town, not referred to arbitration by the village.
    expect(closed.closeDispute).toEqual({
      outcome: 'FAILED',
      referredTo: null,
      sessions: {
        edges: [{ node: { level: 'VILLAGE', status: 'HELD' } }, { node: { level: 'TOWN', status: 'HELD' } }],
      },
    });
  });

  it('shows an analyst when sessions were held and how many came, but not the minutes or who came', async () => {
    const grid = await suite.make.grid();
    const parties = [
      { role: 'APPLICANT', kind: 'PERSON', name: '张某' },
      { role: 'RESPONDENT', kind: 'PERSON', name: '李某' },
    ];
    const { m, dispute, sessionId, start } = await inMediation(grid, parties);
    const ids = await query<{ id: string }>(suite.svc.db.url, 'SELECT id FROM dispute_party WHERE dispute_id = $1 ORDER BY position', [
      dispute.id,
    ]);
    suite.svc.clock.set(new Date(start.getTime() + 30 * 60_000));
    dataOf(
      await run(
        RECORD,
        {
          input: {
            sessionId,
            minutes: '张某同意赔偿',
            attendance: [
              { partyId: ids[0].id, present: true },
              { partyId: ids[1].id, present: false },
            ],
          },
        },
        m.token,
      ),
    );
    const Q = `query($id: ID!) { mediationSession(id: $id) { status heldAt minutes attendance { partyId present } attendanceCounts { present absent } } }`;
    const LIST = `query($d: ID!) { mediationSessions(disputeId: $d) { totalCount edges { node { minutes attendance { partyId } attendanceCounts { present } } } } }`;
    type S = {
      status: string;
      heldAt: string;
      minutes: string | null;
      attendance: unknown[] | null;
      attendanceCounts: { present: number; absent: number };
    };
    const analyst = await tokenFor(suite.svc.keys, { roles: [Role.ANALYST], areas: [grid.townPath], sub: 'analyst' });
    expect((await ok<{ mediationSession: S }>(Q, { id: sessionId }, analyst)).mediationSession).toEqual({
      status: 'HELD',
      heldAt: new Date(start.getTime() + 30 * 60_000).toISOString(),
      minutes: null,
      attendance: null,
      attendanceCounts: { present: 1, absent: 1 },
    });
    expect((await ok<{ mediationSessions: unknown }>(LIST, { d: dispute.id }, analyst)).mediationSessions).toEqual({
      totalCount: 1,
      edges: [{ node: { minutes: null, attendance: null, attendanceCounts: { present: 1 } } }],
    });
    // The mediator who held it reads it all.
    expect((await ok<{ mediationSession: S }>(Q, { id: sessionId }, m.token)).mediationSession).toMatchObject({
      minutes: '张某同意赔偿',
      attendance: [
        { partyId: ids[0].id, present: true },
        { partyId: ids[1].id, present: false },
      ].sort((a, b) => a.partyId.localeCompare(b.partyId)),
    });
  });

  it('refuses a committee whose area does not match its level, and a second committee for one area', async () => {
    const grid = await suite.make.grid();
    const create = (level: string, areaPath: string) =>
      run(`mutation($input: CreateCommitteeInput!) { createMediationCommittee(input: $input) { id } }`, {
        input: { name: '委员会', level, areaPath },
      });
    expect(reasonOf(await create('TOWN', grid.areaPath))).toEqual({ code: 'BAD_USER_INPUT', reason: 'COMMITTEE_AREA_LEVEL' });
    dataOf(await create('TOWN', grid.townPath));
    expect(reasonOf(await create('TOWN', grid.townPath))).toEqual({ code: 'CONFLICT', reason: 'COMMITTEE_EXISTS' });
    const outsider = await tokenFor(suite.svc.keys, { roles: [Role.TOWN_OFFICER], areas: [testDistrictCode()] });
    const res = await gql(
      suite.svc.url,
      `mutation($input: CreateCommitteeInput!) { createMediationCommittee(input: $input) { id } }`,
      {
        input: { name: '委员会', level: 'VILLAGE', areaPath: grid.areaPath },
      },
      outsider,
    );
    expect(reasonOf(res)).toEqual({ code: 'FORBIDDEN', reason: 'OUT_OF_SCOPE' });
  });
});

describe('the migrations', () => {
  /** A fresh database with every migration run, for `work`; dropped afterwards. */
  async function withMigratedDatabase(work: (ds: DataSource) => Promise<void>): Promise<void> {
    const db = await createTestDatabase('dispute_mediation_migration');
    const ds = new DataSource({
      type: 'postgres',
      url: db.url,
      migrations: disputeMediation.migrations,
      migrationsTableName: 'migrations',
    });
    try {
      await ds.initialize();
      await ds.runMigrations();
      await work(ds);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  }

  it('names OTHER as the source of referrals registered without one, then requires a source', () =>
    withMigratedDatabase(async (ds) => {
      const last = disputeMediation.migrations.findIndex((m) => m.name === 'ReferralNamesItsSource1764300000000');
      for (let i = last; i < disputeMediation.migrations.length; i++) await ds.undoLastMigration();
      const insert = (number: string) =>
        ds.query(
          `INSERT INTO dispute (id, number, kind, summary, origin, grid_id, grid_path, registered_by)
           VALUES (gen_random_uuid(), $1, 'FAMILY', '转介', 'REFERRAL', gen_random_uuid(), 'a.b.c.g', 't')`,
          [number],
        );
      await insert('TJ-2026-000002');
      await ds.runMigrations();
      expect(await ds.query(`SELECT referred_by AS "referredBy" FROM dispute`)).toEqual([{ referredBy: 'OTHER' }]);
      await expect(insert('TJ-2026-000003')).rejects.toThrow(/ck_dispute_referral_source/);
    }));

  it('gives existing sessions the level their dispute was at when they were booked', () =>
    withMigratedDatabase(async (ds) => {
      const last = disputeMediation.migrations.findIndex((m) => m.name === 'SessionLevel1764400000000');
      for (let i = last; i < disputeMediation.migrations.length; i++) await ds.undoLastMigration();
      const [{ id: disputeId }] = await ds.query<{ id: string }[]>(
        `INSERT INTO dispute (id, number, kind, summary, origin, grid_id, grid_path, registered_by, level)
         VALUES (gen_random_uuid(), 'TJ-2026-000004', 'FAMILY', '家庭纠纷', 'WALK_IN', gen_random_uuid(), 'a.b.c.g', 't', 'TOWN') RETURNING id`,
      );
      await ds.query(
        `INSERT INTO dispute_timeline (dispute_id, at, actor, action, to_status, to_level)
         VALUES ($1, '2026-03-01T08:00Z', 't', 'REGISTER', 'REGISTERED', 'VILLAGE'), ($1, '2026-03-05T08:00Z', 't', 'ESCALATE', 'REGISTERED', 'TOWN')`,
        [disputeId],
      );
      const [{ id: roomId }] = await ds.query<{ id: string }[]>(
        `WITH c AS (INSERT INTO mediation_centre (id, name, area_path) VALUES (gen_random_uuid(), '中心', 'a') RETURNING id)
         INSERT INTO room (id, name, kind, centre_id, area_path) SELECT gen_random_uuid(), '调解室', 'MEDIATION_ROOM', c.id, 'a' FROM c RETURNING id`,
      );
      await ds.query(
        `INSERT INTO mediation_session (id, dispute_id, room_id, during, status, scheduled_by, scheduled_at) VALUES
           (gen_random_uuid(), $1, $2, tstzrange('2026-03-03T08:00Z', '2026-03-03T09:00Z'), 'CANCELLED', 't', '2026-03-02T08:00Z'),
           (gen_random_uuid(), $1, $2, tstzrange('2026-03-07T08:00Z', '2026-03-07T09:00Z'), 'SCHEDULED', 't', '2026-03-06T08:00Z')`,
        [disputeId, roomId],
      );
      await ds.runMigrations();
      expect(await ds.query(`SELECT level FROM mediation_session ORDER BY scheduled_at`)).toEqual([
        { level: 'VILLAGE' },
        { level: 'TOWN' },
      ]);
    }));

  it('go down past the mediation platform and up again on a database with data', () =>
    withMigratedDatabase(async (ds) => {
      await ds.query(
        `INSERT INTO dispute (id, number, kind, summary, origin, grid_id, grid_path, registered_by, status)
         VALUES (gen_random_uuid(), 'TJ-2026-000001', 'FAMILY', '家庭纠纷', 'WALK_IN', gen_random_uuid(), 'a.b.c.g', 't', 'ACCEPTED')`,
      );
      // Down to the initial schema: every migration after it, newest first.
      for (let i = 1; i < disputeMediation.migrations.length; i++) await ds.undoLastMigration();
      expect(await ds.query(`SELECT status::text AS status FROM dispute`)).toEqual([{ status: 'REGISTERED' }]);
      await ds.runMigrations();
      expect(await ds.query(`SELECT status FROM dispute`)).toEqual([{ status: 'REGISTERED' }]);
    }));
});
