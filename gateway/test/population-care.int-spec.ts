import { PopulationEvents, ReactionEvents } from '@civgrid/contracts';
import { dataOf, query, readTopic } from '@civgrid/testing';
import { Stack, startStack } from '../src/stack';
import { codeOf, nationalId, populationFixtures, secondRegistry } from './population-fixtures';

let stack: Stack;
let make: ReturnType<typeof populationFixtures>;

beforeAll(async () => {
  stack = await startStack('population-care', {}, ['grid-organisation', 'population-registry']);
  make = populationFixtures(stack);
}, 120_000);
afterAll(() => stack?.stop());
afterEach(() => stack?.services['population-registry'].setClock(null));

const population = () => stack.services['population-registry'];
const db = () => population().db.url;
const JOB = 'wellbeing-check-misses';

/** An instant at a Shanghai wall-clock time, `days` days from today (Shanghai). */
const shanghai = (days: number, hhmm: string): Date => {
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const day = new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  return new Date(Date.parse(`${day}T${hhmm}:00+08:00`));
};
const dayOf = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
/** The data of every check-in event written for a resident. */
const checkInEvents = async (residentId: string) =>
  (
    await query<{ data: Record<string, unknown> }>(
      db(),
      `SELECT payload->'data' AS data FROM outbox WHERE type = $1 AND aggregateid = $2`,
      [PopulationEvents.checkInRecorded, residentId],
    )
  ).map((r) => r.data);

const AGREE = `mutation($input: AgreeWellbeingCheckInput!) { agreeWellbeingCheck(input: $input) { id deadline days graceMinutes } }`;
const CHECK_IN = `mutation($input: RecordCheckInInput!) { recordCheckIn(input: $input) { id day } }`;

describe('wellbeing checks ("curtains open by 7:30")', () => {
  it('raises exactly one missed-check event per resident and day, and none for a resident who checked in', async () => {
    const { village, basic } = await make.place();
    const household = await make.household(basic.id);
    const quiet = await make.resident(household.id, { nationalId: nationalId('19420303') });
    const fine = await make.resident(household.id, { nationalId: nationalId('19440404', 'FEMALE'), relation: '配偶' });
    const member = await make.member(village, basic);
    // Agreed today after this morning's deadline: the first check owed is tomorrow's.
    await population().setClock(shanghai(0, '12:00'));
    const agree = async (residentId: string) =>
      (
        await make.ok<{ agreeWellbeingCheck: { id: string; deadline: string } }>(
          AGREE,
          { input: { residentId, signal: 'CURTAINS_OPENED', deadline: '07:30', graceMinutes: 30 } },
          member,
        )
      ).agreeWellbeingCheck;
    const quietAgreement = await agree(quiet.id);
    const fineAgreement = await agree(fine.id);
    expect(quietAgreement.deadline).toBe('07:30');
    expect(
      codeOf(await make.call(AGREE, { input: { residentId: quiet.id, signal: 'PHONE_CALL', deadline: '08:00' } }, member)).reason,
    ).toBe('AGREEMENT_EXISTS');

    // Tomorrow at 07:10 the curtains of one are open; the member's phone sends the check-in twice.
    await population().setClock(shanghai(1, '07:10'));
    const first = dataOf(
      await make.call<{ recordCheckIn: { id: string; day: string } }>(CHECK_IN, { input: { agreementId: fineAgreement.id } }, member),
    ).recordCheckIn;
    const again = dataOf(
      await make.call<{ recordCheckIn: { id: string; day: string } }>(CHECK_IN, { input: { agreementId: fineAgreement.id } }, member),
    ).recordCheckIn;
    expect(again).toEqual(first);
    expect(first.day).toBe(dayOf(shanghai(1, '07:10')));
    // Analysts reading the stream learn the sign and who saw it, never who the resident is.
    expect(await checkInEvents(fine.id)).toEqual([
      {
        checkInId: first.id,
        agreementId: fineAgreement.id,
        residentId: fine.id,
        gridId: basic.id,
        day: first.day,
        signal: 'CURTAINS_OPENED',
        byResident: false,
      },
    ]);

    const due = async () =>
      (
        await make.ok<{ grid: { wellbeingChecksDueToday: { state: string; resident: { id: string } }[] } }>(
          `query($g: ID!) { grid(id: $g) { wellbeingChecksDueToday { state resident { id } } } }`,
          { g: basic.id },
          member,
        )
      ).grid.wellbeingChecksDueToday.map((d) => [d.resident.id, d.state]);
    expect(await due()).toEqual(
      expect.arrayContaining([
        [quiet.id, 'PENDING'],
        [fine.id, 'CHECKED_IN'],
      ]),
    );

    // Within grace nothing is raised.
    await population().setClock(shanghai(1, '07:59'));
    await population().runJob(JOB);
    expect(await due()).toEqual(expect.arrayContaining([[quiet.id, 'OVERDUE']]));
    expect(
      await query(db(), 'SELECT count(*)::int AS n FROM wellbeing_miss WHERE resident_id = ANY($1::uuid[])', [[quiet.id, fine.id]]),
    ).toEqual([{ n: 0 }]);

    // Past grace: rounds on two instances side by side, then again one after another, raise it once.
    const second = await secondRegistry(stack);
    try {
      await Promise.all([population().setClock(shanghai(1, '08:01')), second.setClock(shanghai(1, '08:01'))]);
      const rounds = await Promise.all([population().runJob(JOB), second.runJob(JOB)]);
      expect(rounds.filter((r) => r.ran).length).toBeGreaterThanOrEqual(1);
      await second.runJob(JOB);
      await population().runJob(JOB);
    } finally {
      await second.stop();
    }
    // A later round the next morning still owes nothing for the day that is done.
    await population().setClock(shanghai(2, '06:00'));
    await population().runJob(JOB);
    expect(
      await query(db(), "SELECT resident_id, to_char(day, 'YYYY-MM-DD') AS day FROM wellbeing_miss WHERE resident_id = ANY($1::uuid[])", [
        [quiet.id, fine.id],
      ]),
    ).toEqual([{ resident_id: quiet.id, day: dayOf(shanghai(1, '08:01')) }]);
    expect(await due()).toEqual(expect.arrayContaining([[quiet.id, 'PENDING']]));

    // Exactly one: every event ever written is an outbox row, so a second alarm (another round,
    // another instance, a retry) would show here whatever the job's own memory says.
    expect(
      await query(
        db(),
        `SELECT aggregateid AS resident, count(*)::int AS n FROM outbox WHERE type = $1 AND aggregateid = ANY($2::text[]) GROUP BY aggregateid`,
        [ReactionEvents.wellbeingCheckMissed, [quiet.id, fine.id]],
      ),
    ).toEqual([{ resident: quiet.id, n: 1 }]);
    const messages = await readTopic(
      population().topic('population'),
      (m) => m.some((x) => x.value['type'] === ReactionEvents.wellbeingCheckMissed && x.key === quiet.id),
      15_000,
    );
    const missed = messages.filter((m) => m.value['type'] === ReactionEvents.wellbeingCheckMissed && [quiet.id, fine.id].includes(m.key!));
    expect(missed.map((m) => m.value['data'])).toEqual([
      {
        agreementId: quietAgreement.id,
        residentId: quiet.id,
        gridId: basic.id,
        gridPath: basic.path,
        responsibleMemberId: null,
        day: dayOf(shanghai(1, '08:01')),
        deadline: shanghai(1, '07:30').toISOString(),
      },
    ]);
  });

  it('lets the resident check in from their own phone with a token, once a day, until it is revoked', async () => {
    const { village, basic } = await make.place();
    const household = await make.household(basic.id);
    const resident = await make.resident(household.id, { nationalId: nationalId('19410505') });
    const member = await make.member(village, basic);
    await population().setClock(shanghai(0, '05:00'));
    const { agreeWellbeingCheck: agreement } = await make.ok<{ agreeWellbeingCheck: { id: string } }>(
      AGREE,
      { input: { residentId: resident.id, signal: 'APP_CHECK_IN', deadline: '08:00', graceMinutes: 15 } },
      member,
    );
    const issue = async () =>
      (
        await make.ok<{ issueCheckInToken: { agreementId: string; token: string } }>(
          `mutation($a: ID!) { issueCheckInToken(agreementId: $a) { agreementId token } }`,
          { a: agreement.id },
          member,
        )
      ).issueCheckInToken;
    const first = await issue();
    expect(first.agreementId).toBe(agreement.id);
    // The phone has no staff account: the token is all it sends.
    const base = population().url.replace(/\/graphql$/, '');
    const checkIn = (body: unknown) =>
      fetch(`${base}/wellbeing/check-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    await population().setClock(shanghai(0, '07:05'));
    const done = await checkIn({ token: first.token });
    expect(done).toEqual({
      status: 200,
      body: {
        id: expect.any(String),
        agreementId: agreement.id,
        day: dayOf(shanghai(0, '07:05')),
        at: shanghai(0, '07:05').toISOString(),
        signal: 'APP_CHECK_IN',
      },
    });
    // Pressed twice (or resent by a weak network): the same check-in, one event.
    expect(await checkIn({ token: first.token })).toEqual(done);
    expect(await checkInEvents(resident.id)).toEqual([
      expect.objectContaining({ checkInId: done.body['id'], signal: 'APP_CHECK_IN', byResident: true }),
    ]);
    const [row] = await query(db(), `SELECT recorded_by, signal::text FROM wellbeing_check_in WHERE agreement_id = $1`, [agreement.id]);
    expect(row).toEqual({ recorded_by: 'resident-app', signal: 'APP_CHECK_IN' });
    // Past the deadline and grace, nothing is missed for a resident who checked in.
    await population().setClock(shanghai(0, '09:00'));
    await population().runJob(JOB);
    expect(await query(db(), 'SELECT count(*)::int AS n FROM wellbeing_miss WHERE resident_id = $1', [resident.id])).toEqual([{ n: 0 }]);

    // A forged or tampered token, and the old one once a new token was issued, check nobody in.
    const refused = (r: { status: number; body: Record<string, unknown> }) => [r.status, (r.body['error'] as { reason: string })?.reason];
    expect(refused(await checkIn({ token: `${agreement.id}.${'A'.repeat(43)}` }))).toEqual([401, 'CHECK_IN_TOKEN_INVALID']);
    expect(refused(await checkIn({ token: 'short' }))).toEqual([400, 'INVALID_INPUT']);
    const second = await issue();
    await population().setClock(shanghai(1, '07:00'));
    expect(refused(await checkIn({ token: first.token }))).toEqual([401, 'CHECK_IN_TOKEN_INVALID']);
    expect((await checkIn({ token: second.token })).status).toBe(200);
    await make.ok(`mutation($a: ID!) { revokeCheckInTokens(agreementId: $a) { id } }`, { a: agreement.id }, member);
    await population().setClock(shanghai(2, '07:00'));
    expect(refused(await checkIn({ token: second.token }))).toEqual([401, 'CHECK_IN_TOKEN_INVALID']);
    const third = await issue();
    await make.ok(`mutation($a: ID!) { endWellbeingCheck(agreementId: $a) { id } }`, { a: agreement.id }, member);
    expect(refused(await checkIn({ token: third.token }))).toEqual([409, 'AGREEMENT_ENDED']);
    // Someone else's grid member cannot hand out tokens for this resident.
    const { village: otherVillage, basic: otherGrid } = await make.place();
    const stranger = await make.member(otherVillage, otherGrid);
    const foreign = await make.call(`mutation($a: ID!) { issueCheckInToken(agreementId: $a) { token } }`, { a: agreement.id }, stranger);
    expect(codeOf(foreign)).toEqual({ code: 'NOT_FOUND', reason: 'AGREEMENT_NOT_FOUND' });
  });

  it('keeps the contacts of an agreement encrypted, masked unless asked for with a purpose, and audits that read', async () => {
    const { village, basic } = await make.place();
    const household = await make.household(basic.id);
    const resident = await make.resident(household.id, { nationalId: nationalId('19380808') });
    const member = await make.member(village, basic);
    const contact = { name: '王小红', relation: '女儿', phone: '13912345678' };
    const { agreeWellbeingCheck: agreement } = await make.ok<{ agreeWellbeingCheck: { id: string } }>(
      AGREE,
      { input: { residentId: resident.id, signal: 'PHONE_CALL', deadline: '08:00', contacts: [contact] } },
      member,
    );
    const read = (purpose?: string) =>
      make.ok<{ resident: { wellbeingAgreements: { id: string; contacts: { name: string; relation: string; phone: string }[] }[] } }>(
        `query($id: ID!, $purpose: String) { resident(id: $id) { wellbeingAgreements { id contacts(purpose: $purpose) { name relation phone } } } }`,
        { id: resident.id, purpose },
        member,
      );
    expect((await read()).resident.wellbeingAgreements[0].contacts).toEqual([{ name: '王*', relation: '女儿', phone: '139****5678' }]);
    expect((await read('calling the family after a missed check')).resident.wellbeingAgreements[0].contacts).toEqual([contact]);
    const audit = await query(db(), `SELECT subject_type, fields FROM pii_audit WHERE subject_id = $1`, [agreement.id]);
    expect(audit).toEqual([{ subject_type: 'WellbeingAgreement', fields: ['contacts'] }]);
    const [stored] = await query<{ plain: boolean }>(
      db(),
      `SELECT position(convert_to('13912345678', 'UTF8') in contacts_cipher) > 0 OR position(convert_to('王小红', 'UTF8') in contacts_cipher) > 0 AS plain FROM wellbeing_agreement WHERE id = $1`,
      [agreement.id],
    );
    expect(stored).toEqual({ plain: false });
    const bad = await make.call(
      AGREE,
      { input: { residentId: resident.id, signal: 'PHONE_CALL', deadline: '08:00', contacts: [{ ...contact, phone: '123' }] } },
      member,
    );
    expect(codeOf(bad).code).toBe('BAD_USER_INPUT');
  });

  it('counts households visited this quarter per grid and area, and lists those not yet visited', async () => {
    const { village, total, basic } = await make.place();
    const households = [];
    for (let i = 0; i < 4; i++) households.push(await make.household(basic.id));
    const elsewhere = await make.household(total.id);
    const member = await make.member(village, basic, total);
    const visit = (householdId: string, extra: Record<string, unknown> = {}) =>
      make.call<{ recordVisit: { id: string; needs: { kind: string; status: string }[] } }>(
        `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id needs { kind status } } }`,
        { input: { householdId, kind: 'ROUTINE_QUARTERLY', findings: '老人身体健康', ...extra } },
        member,
      );
    const id = '5e0f0c9a-8a4e-4c4b-9f1e-2b1d3c4e5f60';
    const firstTry = dataOf(
      await visit(households[0].id, { id, needs: [{ kind: 'BUY_GROCERIES', description: '每周帮买菜' }] }),
    ).recordVisit;
    // The weak network resends the same visit: still one visit, one need.
    const resent = dataOf(await visit(households[0].id, { id, needs: [{ kind: 'BUY_GROCERIES', description: '每周帮买菜' }] })).recordVisit;
    expect(resent).toEqual(firstTry);
    expect(firstTry.needs).toEqual([{ kind: 'BUY_GROCERIES', status: 'OPEN' }]);
    dataOf(await visit(households[0].id, { kind: 'FOLLOW_UP' }));
    dataOf(await visit(households[1].id));
    // A visit last year does not count for this quarter.
    dataOf(await visit(households[2].id, { visitedAt: new Date(Date.now() - 400 * 86_400_000).toISOString() }));
    dataOf(await visit(elsewhere.id));

    const coverage = await make.ok<{
      grid: {
        visitCoverage: {
          quarter: string;
          households: number;
          visited: number;
          share: number;
          notVisited: { totalCount: number; edges: { node: { id: string } }[] };
        };
      };
    }>(
      `query($g: ID!) { grid(id: $g) { visitCoverage { quarter households visited share notVisited(first: 10) { totalCount edges { node { id } } } } } }`,
      { g: basic.id },
      member,
    );
    expect(coverage.grid.visitCoverage).toEqual({
      quarter: expect.stringMatching(/^\d{4}Q[1-4]$/),
      households: 4,
      visited: 2,
      share: 0.5,
      notVisited: { totalCount: 2, edges: [{ node: { id: households[2].id } }, { node: { id: households[3].id } }] },
    });
    const area = await make.ok<{
      areaVisitCoverage: { households: number; visited: number; share: number; grids: { gridId: string; share: number }[] };
    }>(`query($p: String!) { areaVisitCoverage(areaPath: $p) { households visited share grids { gridId share } } }`, { p: village.path });
    expect(area.areaVisitCoverage).toEqual({
      households: 5,
      visited: 3,
      share: 0.6,
      grids: [
        { gridId: basic.id, share: 0.5 },
        { gridId: total.id, share: 1 },
      ],
    });

    // The area's households not yet visited, in pages, within the reader's reach.
    const areaPage = async (token: string | undefined, after?: string) =>
      (
        await make.ok<{
          areaVisitCoverage: {
            notVisited: { totalCount: number; edges: { node: { id: string } }[]; pageInfo: { endCursor: string; hasNextPage: boolean } };
          };
        }>(
          `query($p: String!, $a: String) { areaVisitCoverage(areaPath: $p) { notVisited(first: 1, after: $a) { totalCount edges { node { id } } pageInfo { endCursor hasNextPage } } } }`,
          { p: village.path, a: after },
          token,
        )
      ).areaVisitCoverage.notVisited;
    const first = await areaPage(undefined);
    const second = await areaPage(undefined, first.pageInfo.endCursor);
    expect([first.totalCount, first.pageInfo.hasNextPage, second.pageInfo.hasNextPage]).toEqual([2, true, false]);
    expect([...first.edges, ...second.edges].map((e) => e.node.id)).toEqual([households[2].id, households[3].id]);
    const totalOnly = await make.member(village, total);
    expect((await areaPage(totalOnly)).totalCount).toBe(0);

    // A page of households' visits come with their needs in one statement.
    await population().sql.record();
    const withVisits = await make.ok<{
      grid: { households: { edges: { node: { id: string; visits: { needs: { kind: string; recordedAt: string }[] }[] } }[] } };
    }>(
      `query($g: ID!) { grid(id: $g) { households(first: 10) { edges { node { id visits { id needs { kind recordedAt } } } } } } }`,
      { g: basic.id },
      member,
    );
    const statements = (await population().sql.stop()).filter((q) => /household_visit|FROM need/.test(q));
    expect(statements).toHaveLength(1);
    const visitsOf = new Map(withVisits.grid.households.edges.map((e) => [e.node.id, e.node.visits]));
    expect(visitsOf.get(households[0].id)!.map((v) => v.needs.map((n) => n.kind))).toEqual(expect.arrayContaining([['BUY_GROCERIES'], []]));
    expect(Date.parse(visitsOf.get(households[0].id)!.flatMap((v) => v.needs)[0].recordedAt)).not.toBeNaN();
    expect(households.map((h) => visitsOf.get(h.id)!.length)).toEqual([2, 1, 1, 0]);

    // A household that moves to another grid takes its visits and needs along: that grid's coverage counts it.
    await make.ok(
      `mutation($input: MoveHouseholdInput!) { moveHousehold(input: $input) { id } }`,
      { input: { householdId: households[0].id, dwellingId: await make.dwelling(total.id) } },
      member,
    );
    expect(
      await query(
        db(),
        `SELECT (SELECT array_agg(DISTINCT grid_id::text) FROM household_visit WHERE household_id = $1) AS visits,
                (SELECT array_agg(DISTINCT grid_id::text) FROM need WHERE household_id = $1) AS needs`,
        [households[0].id],
      ),
    ).toEqual([{ visits: [total.id], needs: [total.id] }]);
    const moved = await make.ok<{ grid: { visitCoverage: { households: number; visited: number } } }>(
      `query($g: ID!) { grid(id: $g) { visitCoverage { households visited } } }`,
      { g: total.id },
      member,
    );
    expect(moved.grid.visitCoverage).toEqual({ households: 2, visited: 2 });
  });

  it('imports a ledger: good rows registered, every bad row reported by line and reason', async () => {
    const { basic } = await make.place();
    const [a, b, c] = [nationalId('19500101'), nationalId('19520202', 'FEMALE'), nationalId('19800303')];
    const badCheck = a.slice(0, 17) + (a[17] === '0' ? '1' : '0');
    const h1 = make.code('L');
    const h2 = make.code('L');
    const csv = [
      '户号,户籍类型,地址,门牌号,姓名,身份证号,电话,与户主关系',
      `${h1},户籍,新庄村21号,21,王文义,${a},13812345678,户主`,
      `${h1},户籍,新庄村21号,21,王凤珍,${b.toLowerCase()},,配偶`,
      `${h2},流动,新庄村22号,22,李红福,${badCheck},,户主`,
      `${h2},流动,新庄村22号,22,朱明,${c},123,户主`,
      `${h2},流动,新庄村22号,22,朱明,${c},,户主`,
      `${h2},外星,新庄村22号,22,张某,${nationalId()},,子`,
      `${h1},户籍,新庄村21号,21,王一,${a},,子`,
    ].join('\n');
    const { importLedger } = await make.ok<{
      importLedger: { accepted: number; householdsCreated: number; dwellingsCreated: number; rejected: { line: number; reason: string }[] };
    }>(
      `mutation($input: ImportLedgerInput!) { importLedger(input: $input) { accepted householdsCreated dwellingsCreated rejected { line reason } } }`,
      { input: { gridId: basic.id, csv } },
    );
    expect(importLedger).toEqual({
      accepted: 3,
      householdsCreated: 2,
      dwellingsCreated: 2,
      rejected: [
        { line: 4, reason: 'national_id: wrong check digit' },
        { line: 5, reason: 'phone: a mainland mobile or a landline with area code' },
        { line: 7, reason: expect.stringContaining('registration_type') },
        { line: 8, reason: 'national_id: the same person as on line 2' },
      ],
    });
    expect(JSON.stringify(importLedger)).not.toContain(a.slice(0, 12));
    const grid = await make.ok<{
      grid: {
        households: { edges: { node: { number: string; head: { name: string } | null; members: { name: string; relation: string }[] } }[] };
      };
    }>(`query($g: ID!) { grid(id: $g) { households { edges { node { number head { name } members { name relation } } } } } }`, {
      g: basic.id,
    });
    // Lists keep the ledger's order.
    expect(grid.grid.households.edges.map((e) => e.node)).toEqual([
      {
        number: h1,
        head: { name: '王文义' },
        members: [
          { name: '王文义', relation: '户主' },
          { name: '王凤珍', relation: '配偶' },
        ],
      },
      { number: h2, head: { name: '朱明' }, members: [{ name: '朱明', relation: '户主' }] },
    ]);

    // Importing the same file again registers nobody twice.
    const again = await make.ok<{ importLedger: { accepted: number; rejected: { line: number; reason: string }[] } }>(
      `mutation($input: ImportLedgerInput!) { importLedger(input: $input) { accepted rejected { line reason } } }`,
      { input: { gridId: basic.id, csv } },
    );
    expect(again.importLedger.accepted).toBe(0);
    expect(
      again.importLedger.rejected.filter((r) => r.reason === 'national_id: this person is already registered').map((r) => r.line),
    ).toEqual([2, 3, 6]);

    // Export: masked by default; a malformed file is refused as a whole.
    const exported = await make.ok<{ exportLedger: string }>(`query($p: String!) { exportLedger(areaPath: $p) }`, { p: basic.path });
    expect(exported.exportLedger.split('\n')[0]).toBe(
      'household_number,registration_type,address,house_number,building,road,name,national_id,phone,relation',
    );
    expect(exported.exportLedger).toContain(`${a.slice(0, 4)}**********${a.slice(-4)}`);
    expect(exported.exportLedger).not.toContain(a);
    const broken = await make.call(`mutation($input: ImportLedgerInput!) { importLedger(input: $input) { accepted } }`, {
      input: { gridId: basic.id, csv: '户号,姓名\n"H1,王' },
    });
    expect(codeOf(broken)).toEqual({ code: 'BAD_USER_INPUT', reason: 'CSV_MALFORMED' });
  });
});
