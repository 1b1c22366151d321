import { randomInt, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { Role } from '@civgrid/auth';
import { PopulationEvents } from '@civgrid/contracts';
import { dataOf, gql, query, tokenFor } from '@civgrid/testing';
import { startTestService, TestService } from '@civgrid/service-testing';
import { populationRegistry } from '../src';
import { checkDigitOf } from '../src/resident/national-id';
import { factories } from './factories';

// The ledger import over plain HTTP (a streamed text/csv body), on the same path as the GraphQL
// mutation. A small LEDGER_MAX_BYTES lets the size limit be shown with a few hundred kilobytes.
const MAX_BYTES = 400_000;

let svc: TestService;
let make: ReturnType<typeof factories>;

beforeAll(async () => {
  svc = await startTestService(populationRegistry, { extraEnv: { LEDGER_MAX_BYTES: String(MAX_BYTES) } });
  make = factories(svc);
}, 120_000);
afterAll(async () => {
  await make?.stop();
  await svc?.stop();
});

const base = () => svc.url.replace(/\/graphql$/, '');
const HEADER = 'household_number,registration_type,address,house_number,building,road,name,national_id,phone,relation';

let serial = randomInt(1e6);
/** A fresh valid ID number (born 1960–1999), unique within the run. */
const nid = (): string => {
  serial += 1;
  const first17 = `37${String(1000 + (serial % 9000))}${1960 + (serial % 40)}0${1 + (serial % 9)}1${serial % 10}${String(serial % 1000).padStart(3, '0')}`;
  return first17 + checkDigitOf(first17);
};
const code = (prefix: string) => `${prefix}${randomInt(1e9)}`;

interface Report {
  importId: string;
  accepted: number;
  householdsCreated: number;
  dwellingsCreated: number;
  rejected: { line: number; reason: string }[];
}

/** POSTs the pieces as a chunked body (no Content-Length unless given), as a streaming client does. */
function post(
  path: string,
  pieces: (string | Buffer)[],
  headers: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base()}${path}`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    void (async () => {
      for (const piece of pieces) if (!req.write(piece)) await new Promise((r) => req.once('drain', r));
      req.end();
    })();
  });
}

const upload = async (gridId: string, pieces: (string | Buffer)[], token?: string, contentType = 'text/csv; charset=utf-8') =>
  post(`/ledger-imports?gridId=${gridId}`, pieces, {
    'content-type': contentType,
    ...(token === '' ? {} : { authorization: `Bearer ${token ?? (await make.adminToken())}` }),
  });

const counts = async () =>
  (
    await query<{ residents: number; households: number; dwellings: number; events: number }>(
      svc.db.url,
      `SELECT (SELECT count(*) FROM resident)::int AS residents, (SELECT count(*) FROM household)::int AS households,
              (SELECT count(*) FROM dwelling)::int AS dwellings, (SELECT count(*) FROM outbox)::int AS events`,
    )
  )[0];

describe('ledger import over HTTP', () => {
  it('streams a ledger in, reports every refused row by line, and announces every resident with ids only', async () => {
    const grid = await make.grid();
    const other = await make.grid();
    const [h1, h2, h3, elsewhere] = [code('H'), code('H'), code('H'), code('H')];
    // A household registered in another grid, with its head: the ledger may not claim it.
    await upload(other.id, [`${HEADER}\n${elsewhere},户籍,西村1号,1,,,外人,${nid()},,户主\n`]);
    const [a, b, c, d, e] = [nid(), nid(), nid(), nid(), nid()];
    const lines = [
      HEADER,
      `${h1},户籍,新庄村1号,1,,,王大,${a},13812345678,户主`, // 2
      `${h1},户籍,新庄村1号,1,,,王二,${b},,配偶`, // 3
      `${h1},户籍,新庄村1号,1,,,王三,${c},,户主`, // 4: a second head
      `${h2},流动,"新庄村2号, 东屋",2,,,李四,${d},,户主`, // 5: an address with a comma
      `${h2},流动,新庄村3号,3,,,李五,${nid()},,子`, // 6: the household's line 5 gives another address
      `${h3},常住,新庄村1号,1,,,赵六,${a},,户主`, // 7: the same person as on line 2
      `${elsewhere},户籍,西村1号,1,,,外二,${nid()},,子`, // 8: registered in another grid
      `${h3},常住,新庄村1号,1,,,赵七,${e},,户主`, // 9: same dwelling as h1
    ];
    // Sent in pieces that cut lines in the middle.
    const text = `${lines.join('\n')}\n`;
    const pieces = [text.slice(0, 37), text.slice(37, 200), text.slice(200)];
    const before = await counts();
    const res = await upload(grid.id, pieces);
    expect(res.status).toBe(200);
    const report = res.body as unknown as Report;
    expect(report).toEqual({
      importId: expect.any(String),
      accepted: 4,
      householdsCreated: 3,
      dwellingsCreated: 2,
      rejected: [
        { line: 4, reason: 'relation: line 2 is already the head (户主) of this household' },
        { line: 6, reason: 'household_number: line 5 gives this household another address or registration type' },
        { line: 7, reason: 'national_id: the same person as on line 2' },
        { line: 8, reason: 'household_number: registered in another grid' },
      ],
    });
    const after = await counts();
    expect({ residents: after.residents - before.residents, dwellings: after.dwellings - before.dwellings }).toEqual({
      residents: 4,
      dwellings: 2,
    });

    // Every imported resident is announced as registered and as having joined their household, ids only.
    const events = await query<{ type: string; aggregateid: string; data: Record<string, string>; payload: string }>(
      svc.db.url,
      `SELECT type, aggregateid, payload->'data' AS data, payload::text AS payload FROM outbox
        WHERE payload->'data'->>'gridId' = $1 ORDER BY seq`,
      [grid.id],
    );
    const residents = await query<{ id: string; household_id: string; name: string }>(
      svc.db.url,
      `SELECT id, household_id, name FROM resident WHERE grid_id = $1 ORDER BY created_at`,
      [grid.id],
    );
    expect(residents.map((r) => r.name)).toEqual(['王大', '王二', '李四', '赵七']);
    const of = (type: string) => events.filter((x) => x.type === type);
    expect(of(PopulationEvents.residentRegistered).map((x) => x.data)).toEqual(
      residents.map((r) => ({ residentId: r.id, householdId: r.household_id, gridId: grid.id })),
    );
    expect(of(PopulationEvents.householdMemberJoined).map((x) => [x.aggregateid, x.data])).toEqual(
      residents.map((r) => [r.household_id, { householdId: r.household_id, residentId: r.id, gridId: grid.id }]),
    );
    expect(of(PopulationEvents.householdRegistered)).toHaveLength(3);
    expect(of(PopulationEvents.dwellingRegistered)).toHaveLength(2);
    expect(of(PopulationEvents.importCompleted).map((x) => x.data)).toEqual([
      { importId: report.importId, gridId: grid.id, accepted: 4, rejected: 4 },
    ]);
    const published = events.map((x) => x.payload).join('\n');
    for (const secret of [a, b, d, e, '13812345678', '王大', '新庄村']) expect(published).not.toContain(secret);

    // The heads are the first 户主 of each household; a later head for h1 is refused, by line, with the reason.
    const heads = await query<{ number: string; name: string }>(
      svc.db.url,
      `SELECT h.number, r.name FROM household h JOIN resident r ON r.id = h.head_resident_id WHERE h.number = ANY($1::text[]) ORDER BY h.number`,
      [[h1, h2, h3]],
    );
    expect(Object.fromEntries(heads.map((h) => [h.number, h.name]))).toEqual({ [h1]: '王大', [h2]: '李四', [h3]: '赵七' });
    const again = await upload(grid.id, [
      `${HEADER}\n${h1},户籍,新庄村1号,1,,,王新,${nid()},,户主\n${h1},户籍,新庄村1号,1,,,王小,${nid()},,子\n`,
    ]);
    expect((again.body as unknown as Report).rejected).toEqual([{ line: 2, reason: 'relation: the household already has a head (户主)' }]);
    expect((again.body as unknown as Report).accepted).toBe(1);
  });

  it('leaves nothing behind when the file breaks or grows too large in the middle', async () => {
    const grid = await make.grid();
    const many = (n: number) => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(`${code('M')},户籍,南村${i}号,${i},,,村民${i},${nid()},,户主`);
      return out;
    };
    const before = await counts();
    // ~150 kB of good rows (several COPY pieces already sent), then broken quoting.
    const broken = await upload(grid.id, [`${HEADER}\n`, `${many(1500).join('\n')}\n`, `${code('M')},户籍,"北村,1,,,某,${nid()},,户主\n`]);
    expect(broken.status).toBe(400);
    expect(broken.body['error']).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CSV_MALFORMED' });
    // Over the limit while streaming (no Content-Length), and declared over it.
    // ~600 kB: over the 400 kB limit.
    const big = many(8000).join('\n');
    const streamed = await upload(grid.id, [`${HEADER}\n`, big.slice(0, 200_000), big.slice(200_000)]);
    expect(streamed.status).toBe(413);
    expect(streamed.body['error']).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'LEDGER_TOO_LARGE' });
    const declared = await post(`/ledger-imports?gridId=${grid.id}`, [`${HEADER}\n`, big], {
      'content-type': 'text/csv',
      'content-length': String(Buffer.byteLength(`${HEADER}\n${big}`)),
      authorization: `Bearer ${await make.adminToken()}`,
    });
    expect(declared.status).toBe(413);
    expect(await counts()).toEqual(before);

    // The same good rows, within the limit, all go in.
    const ok = await upload(grid.id, [`${HEADER}\n`, `${many(1500).join('\n')}\n`]);
    expect(ok.status).toBe(200);
    expect((ok.body as unknown as Report).accepted).toBe(1500);
  });

  it('refuses without a token, for the wrong role or grid, a retired grid and a body that is not CSV, with clear codes', async () => {
    const [grid, otherGrid, retired] = [await make.grid(), await make.grid(), await make.grid('RETIRED')];
    const body = [`${HEADER}\n${code('R')},户籍,东村1号,1,,,张三,${nid()},,户主\n`];
    const analyst = await tokenFor(svc.keys, { roles: [Role.ANALYST], areas: [grid.areaPath] });
    const before = await counts();
    const cases: [string, () => Promise<{ status: number; body: Record<string, unknown> }>, number, string][] = [
      ['no token', () => upload(grid.id, body, ''), 401, 'TOKEN_MISSING'],
      ['analyst', () => upload(grid.id, body, analyst), 403, 'ROLE_REQUIRED'],
      ['member of another grid', async () => upload(grid.id, body, await make.member(otherGrid)), 404, 'GRID_NOT_FOUND'],
      ['unknown grid', () => upload(randomUUID(), body), 404, 'GRID_NOT_FOUND'],
      ['malformed grid id', () => upload('nope', body), 400, 'GRID_ID_INVALID'],
      ['retired grid', () => upload(retired.id, body), 409, 'GRID_NOT_ACTIVE'],
      ['JSON body', () => upload(grid.id, ['{"csv":"x"}'], undefined, 'application/json'), 415, 'LEDGER_NOT_CSV'],
      ['no header', () => upload(grid.id, ['']), 400, 'CSV_EMPTY'],
      ['missing columns', () => upload(grid.id, ['name,phone\n王,1\n']), 400, 'CSV_COLUMNS_MISSING'],
    ];
    for (const [name, call, status, reason] of cases) {
      const res = await call();
      expect({ name, status: res.status, reason: (res.body['error'] as { reason?: string })?.reason }).toEqual({ name, status, reason });
    }
    expect(await counts()).toEqual(before);
  });

  it('imports through the GraphQL mutation on the same path', async () => {
    const grid = await make.grid();
    const id = nid();
    const res = dataOf(
      await gql<{ importLedger: Report }>(
        svc.url,
        `mutation($input: ImportLedgerInput!) { importLedger(input: $input) { accepted householdsCreated dwellingsCreated rejected { line reason } } }`,
        {
          input: {
            gridId: grid.id,
            csv: `${HEADER}\n${code('G')},户籍,东村2号,2,,,张四,${id},,户主\n${code('G')},户籍,东村3号,3,,,张五,${id},,户主`,
          },
        },
        await make.adminToken(),
      ),
    );
    expect(res.importLedger).toEqual({
      accepted: 1,
      householdsCreated: 1,
      dwellingsCreated: 1,
      rejected: [{ line: 3, reason: 'national_id: the same person as on line 2' }],
    });
  });
});
