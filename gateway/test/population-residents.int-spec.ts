import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Role } from '@civgrid/auth';
import { catalogue, PopulationCountEvents, PopulationEvents } from '@civgrid/contracts';
import { asGateway, dataOf, eventually, gql, query, readTopic } from '@civgrid/testing';
import { Stack, startStack } from '../src/stack';
import { codeOf, nationalId, phoneNumber, populationFixtures } from './population-fixtures';

let stack: Stack;
let make: ReturnType<typeof populationFixtures>;

beforeAll(async () => {
  stack = await startStack('population-residents', {}, ['grid-organisation', 'population-registry']);
  make = populationFixtures(stack);
}, 120_000);
afterAll(() => stack?.stop());

const population = () => stack.services['population-registry'];
const db = () => population().db.url;

describe('residents through the gateway', () => {
  it('accepts generated valid IDs (deriving birth date and sex), refuses one-digit changes, swaps and the same person twice', async () => {
    const { basic } = await make.place();
    const household = await make.household(basic.id);
    // The oracle, written from the standard and not from the service: GB 11643 / ISO 7064 MOD 11-2,
    // weight of position i (0-based, left to right) 2^(17-i) mod 11, check value (12 - sum mod 11) mod 11, 10 written X.
    const oracleCheck = (first17: string): string => {
      let sum = 0;
      for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
      const value = (12 - (sum % 11)) % 11;
      return value === 10 ? 'X' : String(value);
    };
    const oracleValid = (id: string): boolean => /^\d{17}[\dX]$/.test(id) && oracleCheck(id.slice(0, 17)) === id[17];
    const DAY = 86_400_000;
    const person = fc.record({
      region: fc.integer({ min: 110000, max: 659999 }),
      birth: fc
        .integer({ min: 0, max: Math.floor((Date.UTC(2020, 11, 31) - Date.UTC(1900, 0, 1)) / DAY) })
        .map((d) => new Date(Date.UTC(1900, 0, 1) + d * DAY)),
      seq: fc.integer({ min: 0, max: 999 }),
      lower: fc.boolean(),
      // One changed character per position: the replacement is the original plus 1..9 (1..10 at the check position, which may be X).
      shifts: fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 18, maxLength: 18 }),
    });
    const registered = new Set<string>();
    // The refusal of each variant (the lookup checks the number before it looks for anyone), a few at a time.
    const refusals = async (variants: string[]): Promise<string[]> => {
      const reasons: string[] = [];
      for (let i = 0; i < variants.length; i += 6) {
        const part = await Promise.all(
          variants
            .slice(i, i + 6)
            .map((v) => make.call(`query($n: String!) { residentByNationalId(nationalId: $n, purpose: "核对身份") { id } }`, { n: v })),
        );
        reasons.push(...part.map((res) => String(codeOf(res).reason)));
      }
      return reasons;
    };
    await fc.assert(
      fc.asyncProperty(person, async ({ region, birth, seq, lower, shifts }) => {
        const ymd = birth.toISOString().slice(0, 10);
        const first17 = `${region}${ymd.replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
        const id = first17 + oracleCheck(first17);
        const res = await make.registerResident({
          householdId: household.id,
          name: '村民',
          nationalId: lower ? id.toLowerCase() : id,
          relation: '子',
        });
        if (registered.has(id)) {
          expect(codeOf(res)).toEqual({ code: 'CONFLICT', reason: 'RESIDENT_ALREADY_REGISTERED' });
        } else {
          registered.add(id);
          expect(dataOf(res).registerResident).toMatchObject({
            birthDate: ymd,
            sex: seq % 2 === 1 ? 'MALE' : 'FEMALE',
            status: 'ACTIVE',
            nationalId: `${id.slice(0, 4)}**********${id.slice(-4)}`,
          });
        }
        // A changed character at every position (the check position may also become X), and every swap of two different neighbours.
        const ALPHABET = '0123456789X';
        const changes = shifts.map((shift, i) => {
          const size = i === 17 ? 11 : 10;
          const c = ALPHABET[(ALPHABET.indexOf(id[i]) + 1 + ((shift - 1) % (size - 1))) % size];
          return id.slice(0, i) + c + id.slice(i + 1);
        });
        const swaps: string[] = [];
        for (let i = 0; i < 17; i++) if (id[i] !== id[i + 1]) swaps.push(id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2));
        expect(swaps.length).toBeGreaterThan(0);
        const variants = [...changes, ...swaps];
        for (const v of variants) expect(oracleValid(v)).toBe(false);
        const expected = variants.map((v) => (/^\d{17}[\dX]$/.test(v) ? 'NATIONAL_ID_CHECK_DIGIT' : 'NATIONAL_ID_FORMAT'));
        expect(await refusals(variants)).toEqual(expected);
      }),
      { numRuns: 25 },
    );

    // Well-formed numbers refused for what they say: a birth date to come, a wrong length.
    const valid = nationalId('19800315');
    const future = '37091120991231001';
    const cases: [string, string, string][] = [
      ['future birth date', future + oracleCheck(future), 'NATIONAL_ID_BIRTH_DATE'],
      ['seventeen digits', valid.slice(0, 17), 'NATIONAL_ID_FORMAT'],
    ];
    await make.resident(household.id, { nationalId: valid });
    const before = await query(db(), 'SELECT count(*)::int AS n FROM resident');
    for (const [name, id, reason] of cases) {
      const res = await make.registerResident({ householdId: household.id, name: '村民', nationalId: id, relation: '子' });
      expect({ name, ...codeOf(res) }).toEqual({ name, code: 'BAD_USER_INPUT', reason });
      expect(JSON.stringify(res.errors)).not.toContain(id.slice(6, 14));
    }
    // The same person again, even spelled with a lower-case x or spaces: refused, and the message names nobody.
    const twice = await make.registerResident({
      householdId: household.id,
      name: '另一个名字',
      nationalId: ` ${valid.toLowerCase()} `,
      relation: '子',
    });
    expect(codeOf(twice)).toEqual({ code: 'CONFLICT', reason: 'RESIDENT_ALREADY_REGISTERED' });
    expect(JSON.stringify(twice.errors)).not.toContain(valid.slice(0, 10));
    expect(await query(db(), 'SELECT count(*)::int AS n FROM resident')).toEqual(before);
  });

  it('masks ID and phone by default, unmasks only for roles that need them with a purpose, and audits each unmasked read', async () => {
    const { village, basic } = await make.place();
    const household = await make.household(basic.id);
    const person = await make.resident(household.id);
    const read = async (token: string, purpose?: string) => {
      const args = purpose ? `(purpose: "${purpose}")` : '';
      return make.call<{ resident: { nationalId: string; phone: string } }>(
        `query($id: ID!) { resident(id: $id) { nationalId${args} phone${args} } }`,
        { id: person.id },
        token,
      );
    };
    // The two fields resolve side by side, so their rows come in either order.
    const audits = () =>
      query(db(), `SELECT actor, fields, purpose FROM pii_audit WHERE subject_id = $1 ORDER BY actor DESC, fields`, [person.id]);
    const masked = {
      nationalId: `${person.nationalId.slice(0, 4)}**********${person.nationalId.slice(-4)}`,
      phone: `${person.phone.slice(0, 3)}****${person.phone.slice(-4)}`,
    };

    const community = await stack.token({ roles: [Role.COMMUNITY_OFFICER], sub: 'officer-song', areas: [village.path] });
    const member = await stack.token({ roles: [Role.GRID_MEMBER], sub: 'member-hou', areas: [village.path], grids: [basic.id] });
    const town = await stack.token({ roles: [Role.TOWN_OFFICER], sub: 'town-li', areas: [village.path] });

    expect(dataOf(await read(community)).resident).toEqual(masked);
    expect(await audits()).toEqual([]);
    expect(dataOf(await read(community, '核对低保申请')).resident).toEqual({ nationalId: person.nationalId, phone: person.phone });
    // A grid member calls residents but never needs their ID number.
    expect(dataOf(await read(member, '上门前电话联系')).resident).toEqual({ nationalId: masked.nationalId, phone: person.phone });
    expect(await audits()).toEqual([
      { actor: 'officer-song', fields: ['nationalId'], purpose: '核对低保申请' },
      { actor: 'officer-song', fields: ['phone'], purpose: '核对低保申请' },
      { actor: 'member-hou', fields: ['phone'], purpose: '上门前电话联系' },
    ]);
    const noReason = await read(community, 'x');
    expect(codeOf(noReason)).toEqual({ code: 'BAD_USER_INPUT', reason: 'PII_PURPOSE_INVALID' });

    // Tags are for those who look after people, not for the town's overview.
    await make.ok(`mutation($input: AddResidentTagInput!) { addResidentTag(input: $input) { id } }`, {
      input: { residentId: person.id, tag: 'ELDERLY_LIVING_ALONE', startsOn: '2026-01-01' },
    });
    const tagsQuery = `query($id: ID!) { resident(id: $id) { tags { tag endsOn } } }`;
    expect(dataOf(await make.call<{ resident: { tags: unknown } }>(tagsQuery, { id: person.id }, member)).resident.tags).toEqual([
      { tag: 'ELDERLY_LIVING_ALONE', endsOn: null },
    ]);
    // The access table hides tags from the town (null, as its description says), without failing the resident.
    const townTags = await make.call<{ resident: { tags: unknown } }>(tagsQuery, { id: person.id }, town);
    expect(townTags.errors).toBeUndefined();
    expect(dataOf(townTags).resident.tags).toBeNull();
    const analyst = await stack.token({ roles: [Role.ANALYST], areas: [village.path] });
    // Residents are not the analysts' at all (the access table): refused before any row is read.
    expect(codeOf(await read(analyst))).toEqual({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
  });

  it('keeps a grid member to the residents of their own grids', async () => {
    const { village, total, basic } = await make.place();
    const mine = await make.household(basic.id);
    const theirs = await make.household(total.id);
    const me = await make.resident(mine.id);
    const other = await make.resident(theirs.id);
    const member = await make.member(village, basic);

    const own = await make.call<{ resident: { id: string } }>(`query($id: ID!) { resident(id: $id) { id } }`, { id: me.id }, member);
    expect(dataOf(own).resident.id).toBe(me.id);
    const hidden = await make.call(`query($id: ID!) { resident(id: $id) { id name } }`, { id: other.id }, member);
    expect(codeOf(hidden)).toEqual({ code: 'NOT_FOUND', reason: 'RESIDENT_NOT_FOUND' });
    const lookup = await make.call(
      `query($n: String!) { residentByNationalId(nationalId: $n, purpose: "核对身份") { id } }`,
      { n: other.nationalId },
      member,
    );
    expect(codeOf(lookup).code).toBe('NOT_FOUND');
    const lists = await make.ok<{ grid: { residents: { totalCount: number } } }>(
      `query($a: ID!) { grid(id: $a) { residents { totalCount } } }`,
      { a: basic.id },
      member,
    );
    expect(lists.grid.residents.totalCount).toBe(1);
    // Grid organisation already hides the other grid from this member; asked directly, the registry gives nothing away either.
    const direct = dataOf(
      await gql<{ _entities: { residents: { totalCount: number } }[] }>(
        population().url,
        `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Grid { residents { totalCount } } } }`,
        {
          reps: [
            { __typename: 'Grid', id: basic.id },
            { __typename: 'Grid', id: total.id },
          ],
        },
        member,
        asGateway(member),
      ),
    );
    expect(direct._entities.map((g) => g.residents.totalCount)).toEqual([1, 0]);
    const write = await make.registerResident({ householdId: theirs.id, name: '外人', nationalId: nationalId(), relation: '子' }, member);
    // A household out of reach does not exist for the grid member.
    expect(codeOf(write)).toEqual({ code: 'NOT_FOUND', reason: 'HOUSEHOLD_NOT_FOUND' });
  });

  it('finds well-formed references in an _entities batch that also carries a malformed id', async () => {
    const { basic } = await make.place();
    const household = await make.household(basic.id);
    const person = await make.resident(household.id);
    const admin = await stack.token({ roles: [Role.ADMIN] });
    const res = await gql<{ _entities: ({ id: string } | null)[] }>(
      population().url,
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Resident { id } ... on Household { id } ... on Dwelling { id } ... on Grid { residents { totalCount } } } }`,
      {
        reps: [
          { __typename: 'Resident', id: 'not-a-uuid' },
          { __typename: 'Resident', id: person.id },
          { __typename: 'Household', id: "1'; --" },
          { __typename: 'Household', id: household.id },
          { __typename: 'Dwelling', id: 'x' },
          { __typename: 'Grid', id: 'nope' },
        ],
      },
      admin,
      asGateway(admin),
    );
    expect(res.data?._entities.slice(0, 5)).toEqual([null, { id: person.id }, null, { id: household.id }, null]);
    expect(res.data?._entities[5]).toEqual({ residents: { totalCount: 0 } });
    expect(res.errors?.map((e) => e.extensions?.['code'])).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
  });

  it('lets a resident who moved out come back to a household, never one who died, and keeps one head per household', async () => {
    const { basic, total } = await make.place();
    const home = await make.household(basic.id);
    const head = await make.resident(home.id, { relation: '户主' });
    // A second head is refused, with nothing written.
    const before = await query(db(), 'SELECT count(*)::int AS n FROM resident');
    const second = await make.registerResident({
      householdId: home.id,
      name: '王二',
      nationalId: nationalId('19700707'),
      relation: '户主',
    });
    expect(codeOf(second)).toEqual({ code: 'CONFLICT', reason: 'HOUSEHOLD_HAS_HEAD' });
    expect(await query(db(), 'SELECT count(*)::int AS n FROM resident')).toEqual(before);

    const child = await make.resident(home.id, { relation: '子', nationalId: nationalId('19950909') });
    const status = (residentId: string, to: string) =>
      make.ok(`mutation($input: ChangeResidentStatusInput!) { changeResidentStatus(input: $input) { status } }`, {
        input: { residentId, status: to, reason: to === 'DECEASED' ? '病故' : '外出务工' },
      });
    await status(child.id, 'MOVED_OUT');
    // Registering the same person anew is refused: they are one person for good.
    const again = await make.registerResident({ householdId: home.id, name: '王小', nationalId: child.nationalId, relation: '子' });
    expect(codeOf(again)).toEqual({ code: 'CONFLICT', reason: 'RESIDENT_ALREADY_REGISTERED' });
    expect(again.errors?.[0]?.message).toContain('recordResidentReturned');

    const RETURNED = `mutation($input: RecordResidentReturnedInput!) { recordResidentReturned(input: $input) { id status relation household { id } grid { id } } }`;
    const newHome = await make.household(total.id);
    const back = await make.ok<{ recordResidentReturned: Record<string, unknown> }>(RETURNED, {
      input: { residentId: child.id, householdId: newHome.id, relation: '户主', reason: '返乡创业' },
    });
    expect(back.recordResidentReturned).toEqual({
      id: child.id,
      status: 'ACTIVE',
      relation: '户主',
      household: { id: newHome.id },
      grid: { id: total.id },
    });
    const history = await make.ok<{
      household: { head: { id: string }; membershipHistory: { residentId: string; joinedReason: string }[] };
    }>(`query($id: ID!) { household(id: $id) { head { id } membershipHistory { residentId joinedReason } } }`, { id: newHome.id });
    expect(history.household).toEqual({ head: { id: child.id }, membershipHistory: [{ residentId: child.id, joinedReason: '返乡创业' }] });
    const twice = await make.call(RETURNED, { input: { residentId: child.id, householdId: newHome.id, relation: '户主', reason: '再次' } });
    expect(codeOf(twice)).toEqual({ code: 'CONFLICT', reason: 'RESIDENT_NOT_MOVED_OUT' });

    await status(head.id, 'DECEASED');
    const dead = await make.call(RETURNED, { input: { residentId: head.id, householdId: home.id, relation: '户主', reason: '误录' } });
    expect(codeOf(dead)).toEqual({ code: 'CONFLICT', reason: 'RESIDENT_DECEASED' });
    const messages = await readTopic(population().topic('population'), (m) =>
      m.some((x) => x.value['type'] === PopulationEvents.residentReturned && x.key === child.id),
    );
    expect(
      messages.filter((x) => x.value['type'] === PopulationEvents.residentReturned && x.key === child.id).map((x) => x.value['data']),
    ).toEqual([{ residentId: child.id, householdId: newHome.id, gridId: total.id }]);
  });

  it('audits unmasked exports and ID-number lookups, and refuses exports to grid members', async () => {
    const { village, basic } = await make.place();
    const household = await make.household(basic.id);
    const people = [
      await make.resident(household.id),
      await make.resident(household.id, { relation: '配偶', nationalId: nationalId('19660606', 'FEMALE') }),
    ];
    const community = await stack.token({ roles: [Role.COMMUNITY_OFFICER], sub: `officer-${randomUUID()}`, areas: [village.path] });
    const audits = (actor: string) =>
      query(db(), `SELECT subject_id, fields, purpose FROM pii_audit WHERE actor = $1 ORDER BY subject_id, fields`, [actor]);
    const actor = JSON.parse(Buffer.from(community.split('.')[1], 'base64url').toString()).sub as string;

    const masked = await make.ok<{ exportLedger: string }>(
      `query($p: String!) { exportLedger(areaPath: $p) }`,
      { p: basic.path },
      community,
    );
    expect(masked.exportLedger).not.toContain(people[0].nationalId);
    expect(await audits(actor)).toEqual([]);
    const unmasked = await make.ok<{ exportLedger: string }>(
      `query($p: String!) { exportLedger(areaPath: $p, purpose: "低保年审") }`,
      { p: basic.path },
      community,
    );
    for (const p of people) expect(unmasked.exportLedger).toContain(p.nationalId);
    expect(await audits(actor)).toEqual(
      [...people]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((p) => ({ subject_id: p.id, fields: ['nationalId', 'phone', 'export'], purpose: '低保年审' })),
    );

    const found = await make.ok<{ residentByNationalId: { id: string } }>(
      `query($n: String!) { residentByNationalId(nationalId: $n, purpose: "核对身份证") { id } }`,
      { n: people[1].nationalId.toLowerCase() },
      community,
    );
    expect(found.residentByNationalId.id).toBe(people[1].id);
    expect(
      await query(db(), `SELECT fields, purpose FROM pii_audit WHERE actor = $1 AND subject_id = $2 AND purpose = $3`, [
        actor,
        people[1].id,
        '核对身份证',
      ]),
    ).toEqual([{ fields: ['nationalId:lookup'], purpose: '核对身份证' }]);

    const member = await make.member(village, basic);
    const refused = await make.call(`query($p: String!) { exportLedger(areaPath: $p, purpose: "上门走访") }`, { p: basic.path }, member);
    expect(codeOf(refused).code).toBe('FORBIDDEN');
  });

  it('filters a grid by tag, status and age range, in pages, with one SQL statement for several grids', async () => {
    const { village, total, basic } = await make.place();
    const household = await make.household(basic.id);
    const elder = await make.resident(household.id, { nationalId: nationalId('19400101'), relation: '户主' });
    const child = await make.resident(household.id, { nationalId: nationalId('20150601'), relation: '孙' });
    const gone = await make.resident(household.id, { nationalId: nationalId('19700101'), relation: '子' });
    await make.ok(`mutation($input: ChangeResidentStatusInput!) { changeResidentStatus(input: $input) { status } }`, {
      input: { residentId: gone.id, status: 'MOVED_OUT', reason: '外出务工落户' },
    });
    await make.ok(`mutation($input: AddResidentTagInput!) { addResidentTag(input: $input) { id } }`, {
      input: { residentId: child.id, tag: 'LEFT_BEHIND_CHILD', startsOn: '2024-01-01' },
    });
    const ids = async (filter: string) =>
      (
        await make.ok<{ grid: { residents: { totalCount: number; edges: { node: { id: string } }[] } } }>(
          `query($g: ID!) { grid(id: $g) { residents(${filter}) { totalCount edges { node { id } } } } }`,
          { g: basic.id },
        )
      ).grid.residents.edges.map((e) => e.node.id);
    expect(await ids('first: 10')).toEqual([elder.id, child.id, gone.id]);
    expect(await ids('status: ACTIVE')).toEqual([elder.id, child.id]);
    expect(await ids('minAge: 80')).toEqual([elder.id]);
    expect(await ids('maxAge: 17')).toEqual([child.id]);
    expect(await ids('minAge: 18, maxAge: 79')).toEqual([gone.id]);
    expect(await ids('tag: LEFT_BEHIND_CHILD')).toEqual([child.id]);
    const page1 = await make.ok<{ grid: { residents: { edges: { node: { id: string } }[]; pageInfo: { endCursor: string } } } }>(
      `query($g: ID!) { grid(id: $g) { residents(first: 2) { edges { node { id } } pageInfo { endCursor } } } }`,
      { g: basic.id },
    );
    const page2 = await make.ok<{ grid: { residents: { edges: { node: { id: string } }[] } } }>(
      `query($g: ID!, $a: String) { grid(id: $g) { residents(first: 2, after: $a) { edges { node { id } } } } }`,
      { g: basic.id, a: page1.grid.residents.pageInfo.endCursor },
    );
    expect([...page1.grid.residents.edges, ...page2.grid.residents.edges].map((e) => e.node.id)).toEqual([elder.id, child.id, gone.id]);

    await population().sql.record();
    const many = await make.ok<{ grids: { edges: { node: { id: string; residents: { totalCount: number } } }[] } }>(
      `query($p: String!) { grids(underPath: $p) { edges { node { id residents(status: ACTIVE) { totalCount edges { node { id name } } } } } } }`,
      { p: village.path },
    );
    const sql = await population().sql.stop();
    expect(Object.fromEntries(many.grids.edges.map((e) => [e.node.id, e.node.residents.totalCount]))).toEqual({
      [basic.id]: 2,
      [total.id]: 0,
    });
    expect(sql.filter((s) => /\bFROM resident\b/.test(s))).toHaveLength(1);
  });

  it('leaves no plaintext ID number or phone in any table or on the topic', async () => {
    const { basic } = await make.place();
    const household = await make.household(basic.id);
    const people = [
      await make.resident(household.id),
      await make.resident(household.id, { relation: '配偶', nationalId: nationalId('19620202', 'FEMALE'), phone: phoneNumber() }),
    ];
    const csvPerson = { nationalId: nationalId('19551111'), phone: phoneNumber() };
    const report = await make.ok<{ importLedger: { importId: string; accepted: number } }>(
      `mutation($input: ImportLedgerInput!) { importLedger(input: $input) { importId accepted } }`,
      {
        input: {
          gridId: basic.id,
          csv: `户号,户籍类型,地址,姓名,身份证号,电话,与户主关系\n${make.code('L')},户籍,新庄村8号,王文义,${csvPerson.nationalId},${csvPerson.phone},户主\n`,
        },
      },
    );
    expect(report.importLedger.accepted).toBe(1);
    // Read once unmasked, so the audit table has rows too.
    await make.ok(`query($id: ID!) { resident(id: $id) { nationalId(purpose: "核对身份") phone(purpose: "核对身份") } }`, {
      id: people[0].id,
    });
    const secrets = [...people, csvPerson].flatMap((p) => [p.nationalId, p.phone]);

    // As pg_dump would read it: every row of every table as text, and every bytea column as its bytes.
    const tables = await query<{ table: string }>(
      db(),
      `SELECT table_name AS table FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    expect(tables.map((t) => t.table)).toEqual(expect.arrayContaining(['resident', 'outbox', 'pii_audit', 'household_membership']));
    const bytea = await query<{ table: string; column: string }>(
      db(),
      `SELECT table_name AS table, column_name AS column FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'bytea'`,
    );
    expect(bytea.map((c) => `${c.table}.${c.column}`)).toEqual(
      expect.arrayContaining(['resident.national_id_cipher', 'resident.phone_cipher']),
    );
    const any = (text: string) => secrets.map((_, i) => `position($${i + 1} in ${text}) > 0`).join(' OR ');
    for (const { table } of tables) {
      const [hit] = await query<{ n: number }>(
        db(),
        `SELECT count(*) FILTER (WHERE ${any('t::text')})::int AS n FROM "${table}" t`,
        secrets,
      );
      expect({ at: table, n: hit.n }).toEqual({ at: table, n: 0 });
    }
    for (const { table, column } of bytea) {
      const [hit] = await query<{ n: number }>(
        db(),
        `SELECT count(*)::int AS n FROM "${table}" WHERE ${any(`encode("${column}", 'escape')`)}`,
        secrets,
      );
      expect({ at: `${table}.${column}`, n: hit.n }).toEqual({ at: `${table}.${column}`, n: 0 });
    }

    // The topic, once everything these residents and the import raised is on it: the import's end
    // and its resident's own events included.
    const [imported] = await query<{ id: string; household_id: string }>(
      db(),
      `SELECT r.id, r.household_id FROM resident r JOIN household_membership m ON m.resident_id = r.id WHERE m.joined_reason = $1`,
      [`ledger import ${report.importLedger.importId}`],
    );
    const payloadOf = (x: { value: Record<string, unknown> }) => (x.value['data'] ?? {}) as { residentId?: string; importId?: string };
    const messages = await readTopic(
      population().topic('population'),
      (m) =>
        people.every((p) => m.some((x) => payloadOf(x).residentId === p.id)) &&
        m.some((x) => x.value['type'] === PopulationEvents.importCompleted && payloadOf(x).importId === report.importLedger.importId) &&
        m.some((x) => x.value['type'] === PopulationEvents.residentRegistered && payloadOf(x).residentId === imported.id) &&
        m.some((x) => x.value['type'] === PopulationEvents.householdMemberJoined && payloadOf(x).residentId === imported.id),
    );
    expect(messages.filter((x) => payloadOf(x).residentId === imported.id).map((x) => x.value['type'])).toEqual(
      expect.arrayContaining([PopulationEvents.residentRegistered, PopulationEvents.householdMemberJoined]),
    );
    expect(messages.some((x) => payloadOf(x).importId === report.importLedger.importId)).toBe(true);
    expect(messages.length).toBeGreaterThan(0);
    const text = JSON.stringify(messages);
    for (const secret of secrets) expect(text).not.toContain(secret);
    for (const m of messages) expect(() => catalogue.validate(m.value['type'] as string, m.value['data'])).not.toThrow();
  });

  it('sends household counts to grid organisation as events, and moves them when a household moves', async () => {
    const { basic, total } = await make.place();
    const household = await make.household(basic.id);
    await make.resident(household.id);
    await make.resident(household.id, { relation: '配偶', nationalId: nationalId('19650505', 'FEMALE') });
    const gridOrg = stack.services['grid-organisation'].db.url;
    await eventually(async () => {
      const rows = await query(gridOrg, 'SELECT households, residents FROM grid_household_count WHERE grid_id = $1', [basic.id]);
      return rows[0]?.['residents'] === 2 ? rows : undefined;
    });
    const newHome = await make.dwelling(total.id);
    await make.ok(`mutation($input: MoveHouseholdInput!) { moveHousehold(input: $input) { id } }`, {
      input: { householdId: household.id, dwellingId: newHome },
    });
    await eventually(async () => {
      const rows = await query<{ grid_id: string; households: number; residents: number }>(
        gridOrg,
        'SELECT grid_id, households, residents FROM grid_household_count WHERE grid_id = ANY($1::uuid[]) ORDER BY grid_id',
        [[basic.id, total.id]],
      );
      const by = Object.fromEntries(rows.map((r) => [r.grid_id, [r.households, r.residents]]));
      return by[basic.id]?.[0] === 0 && by[total.id]?.[1] === 2 ? true : undefined;
    });
    const countOf = (x: { value: Record<string, unknown> }) =>
      x.value['type'] === PopulationCountEvents.gridHouseholdCountChanged
        ? (x.value['data'] as { gridId: string; households: number })
        : undefined;
    // Keyed by grid (and the move by household), the events may sit on different partitions: wait for all.
    const moved = (x: { key: string | null; value: Record<string, unknown> }) =>
      x.value['type'] === PopulationEvents.householdMoved && x.key === household.id;
    const messages = await readTopic(
      population().topic('population'),
      (m) =>
        m.some((x) => countOf(x)?.gridId === total.id) &&
        m.some((x) => countOf(x)?.gridId === basic.id && countOf(x)?.households === 0) &&
        m.some(moved),
    );
    const counts = messages.filter(
      (m) =>
        m.value['type'] === PopulationCountEvents.gridHouseholdCountChanged && (m.value['data'] as { gridId: string }).gridId === basic.id,
    );
    expect(
      counts.map((m) => [(m.value['data'] as { households: number }).households, (m.value['data'] as { residents: number }).residents]),
    ).toEqual([
      [1, 0],
      [1, 1],
      [1, 2],
      [0, 0],
    ]);
    expect(messages.some(moved)).toBe(true);
  });

  it('re-homes dwellings, households and residents when grid organisation moves a building to another grid', async () => {
    const { village, total } = await make.place();
    const from = await make.basic(village, total, ['5号楼', '6号楼']);
    const to = await make.basic(village, total, ['7号楼']);
    await eventually(async () =>
      (await query(db(), 'SELECT 1 FROM grid_replica WHERE id = ANY($1::uuid[])', [[from.id, to.id]])).length === 2 ? true : undefined,
    );
    const stays = await make.household(from.id, '5号楼');
    const moves = await make.household(from.id, ' ６号楼 ');
    const person = await make.resident(moves.id);
    await make.ok(`mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`, {
      input: { householdId: moves.id, kind: 'ROUTINE_QUARTERLY', needs: [{ kind: 'MEDICAL_ESCORT', description: '陪同就医' }] },
    });
    await make.ok(`mutation($input: MoveCoverageInput!) { moveCoverage(input: $input) { id } }`, {
      input: { fromGridId: from.id, toGridId: to.id, coverageKeys: ['BUILDING:6号楼'], reason: '6号楼划入相邻网格' },
    });
    await eventually(async () => {
      const [row] = await query(db(), 'SELECT grid_id FROM resident WHERE id = $1', [person.id]);
      return row?.['grid_id'] === to.id ? true : undefined;
    });
    const homes = await make.ok<{ a: { grid: { id: string } }; b: { grid: { id: string } } }>(
      `query($a: ID!, $b: ID!) { a: household(id: $a) { grid { id } } b: household(id: $b) { grid { id } } }`,
      { a: stays.id, b: moves.id },
    );
    expect(homes).toEqual({ a: { grid: { id: from.id } }, b: { grid: { id: to.id } } });
    // Its visits and needs are the new grid's now, in the same transaction as the household.
    expect(
      await query(
        db(),
        `SELECT (SELECT array_agg(grid_id::text) FROM household_visit WHERE household_id = $1) AS visits,
                (SELECT array_agg(grid_id::text) FROM need WHERE household_id = $1) AS needs`,
        [moves.id],
      ),
    ).toEqual([{ visits: [to.id], needs: [to.id] }]);
    const messages = await readTopic(population().topic('population'), (m) =>
      m.some((x) => x.value['type'] === PopulationEvents.dwellingRehomed && x.key === moves.dwellingId),
    );
    expect(
      messages
        .filter((m) => m.value['type'] === PopulationEvents.dwellingRehomed && m.key === moves.dwellingId)
        .map((m) => m.value['data']),
    ).toEqual([expect.objectContaining({ dwellingId: moves.dwellingId, fromGridId: from.id, toGridId: to.id })]);
  });
});
