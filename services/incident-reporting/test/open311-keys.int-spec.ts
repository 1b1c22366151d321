import { createHash } from 'node:crypto';
import pino from 'pino';
import { Role } from '@civgrid/auth';
import { IncidentEvents } from '@civgrid/contracts';
import { dataOf, gql, query, readTopic, ReceivedMessage } from '@civgrid/testing';
import { startTestService, TestService } from '@civgrid/service-testing';
import { LOGGER, ServiceLogger } from '@civgrid/service-kit';
import { incidentReporting } from '../src';
import { factories, Grid } from './factories';
import { call, child, elements, form, issueKey, parseXml, specError, text } from './open311.helpers';

// Keys for Open311 client applications, managed through the graph: issued (shown once, kept as a
// hash), used, revoked (refused at once), rate-limited, with read grants; never in logs or events.

let svc: TestService;
let make: ReturnType<typeof factories>;
let v2: (path: string) => string;
let admin: string;
const logLines: string[] = [];

beforeAll(async () => {
  // Everything the service logs, at its most talkative, is kept to be searched for keys.
  svc = await startTestService(incidentReporting, { extraEnv: { LOG_LEVEL: 'trace' } });
  const logger = svc.app.get<ServiceLogger>(LOGGER) as unknown as Record<symbol, { write: (line: string) => boolean }>;
  logger[pino.symbols.streamSym].write = (line: string) => logLines.push(line) > 0;
  make = factories(svc);
  v2 = (path) => `${svc.url.replace(/\/graphql$/, '')}/open311/v2/${path}`;
  admin = await make.admin();
});
afterAll(async () => {
  await make?.stop();
  await svc?.stop();
});

const KEY_FIELDS = 'id clientName prefix areaPaths defaultGridId readGrants rateLimitPerMinute createdBy lastUsedAt revokedAt revokedBy';

const keys = async (includeRevoked = false) =>
  dataOf(
    await gql<{ open311ApiKeys: { edges: { node: { id: string; revokedAt: string | null; lastUsedAt: string | null } }[] } }>(
      svc.url,
      `query($r: Boolean!) { open311ApiKeys(includeRevoked: $r, first: 200) { edges { node { ${KEY_FIELDS} } } } }`,
      { r: includeRevoked },
      admin,
    ),
  ).open311ApiKeys.edges.map((e) => e.node);

const revoke = (id: string, token = admin) =>
  gql<{ revokeOpen311ApiKey: { id: string; revokedAt: string | null; revokedBy: string } }>(
    svc.url,
    `mutation($id: ID!) { revokeOpen311ApiKey(input: { id: $id }) { id revokedAt revokedBy } }`,
    { id },
    token,
  );

const file = (key: string, grid: Grid, extra: Record<string, string> = {}) =>
  call(
    v2('requests.xml'),
    form({
      api_key: key,
      service_code: 'OTHER',
      lat: '36.19',
      long: '117.12',
      'attribute[grid_id]': grid.id,
      description: `keys ${Date.now()}`,
      ...extra,
    }),
  );

const filedId = (answer: { status: number; text: string }): string => {
  if (answer.status !== 201) throw new Error(`${answer.status} ${answer.text}`);
  return text(child(parseXml(answer.text), 'request'), 'service_request_id');
};

describe('Open311 API keys through the graph', () => {
  it('are issued by an admin only, for real areas and a default grid inside them', async () => {
    const grid = await make.grid();
    const officer = await make.officer(Role.DISTRICT_OFFICER, grid.areaPath);
    const issue = (input: Record<string, unknown>, token = admin) =>
      gql(svc.url, `mutation($input: IssueOpen311ApiKeyInput!) { issueOpen311ApiKey(input: $input) { key } }`, { input }, token);
    expect((await issue({ clientName: 'x', areaPaths: [grid.areaPath] }, officer)).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await issue({ clientName: 'x', areaPaths: ['not a path'] })).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect((await issue({ clientName: 'x', areaPaths: [] })).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect((await issue({ clientName: 'x', areaPaths: ['110000000000'], defaultGridId: grid.id })).errors?.[0]?.extensions?.['code']).toBe(
      'BAD_USER_INPUT',
    );
    expect((await issue({ clientName: 'x', areaPaths: [grid.areaPath], rateLimitPerMinute: 0 })).errors?.[0]?.extensions?.['code']).toBe(
      'BAD_USER_INPUT',
    );
    expect((await gql(svc.url, `{ open311ApiKeys { totalCount } }`, {}, officer)).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('show the key once and keep only its hash; it files in its areas, not elsewhere; revoked, it is refused at once', async () => {
    const [grid, elsewhere] = await Promise.all([make.grid(), make.grid()]);
    const issued = await issueKey(svc, admin, { clientName: '泰安市民热线', areaPaths: [grid.areaPath], readGrants: ['EXACT_LOCATION'] });
    expect(issued.key).toMatch(/^civ311_[A-Za-z0-9_-]{43}$/);
    expect(issued.key.startsWith(issued.apiKey.prefix)).toBe(true);
    // Stored: the SHA-256 of the key and nothing from which it could be read back.
    const [row] = await query<{ row: string; sha: string }>(
      svc.db.url,
      `SELECT to_jsonb(k)::text AS row, encode(key_sha256, 'hex') AS sha FROM open311_api_key k WHERE id = $1`,
      [issued.apiKey.id],
    );
    expect(row.sha).toBe(createHash('sha256').update(issued.key).digest('hex'));
    expect(row.row).not.toContain(issued.key.slice(issued.apiKey.prefix.length));
    // The graph has no field that shows a key again.
    expect((await gql(svc.url, `{ open311ApiKeys { edges { node { key } } } }`, {}, admin)).errors?.[0]?.message).toMatch(/key/);

    const id = filedId(await file(issued.key, grid));
    expect(specError(await file(issued.key, elsewhere), 'xml', 403)).toMatch(/outside/);
    expect((await keys()).find((k) => k.id === issued.apiKey.id)?.lastUsedAt).not.toBeNull();
    // Reading with the key: allowed, and its grant shows the exact point in its areas.
    const read = await call(v2(`requests/${id}.xml?api_key=${encodeURIComponent(issued.key)}`));
    expect(text(child(parseXml(read.text), 'request'), 'lat')).toBe('36.19');

    const revoked = dataOf(await revoke(issued.apiKey.id)).revokeOpen311ApiKey;
    expect(revoked.revokedAt).not.toBeNull();
    expect(specError(await file(issued.key, grid), 'xml', 403)).toMatch(/not valid/);
    expect(specError(await call(v2(`requests/${id}.json?api_key=${encodeURIComponent(issued.key)}`)), 'json', 403)).toMatch(/not valid/);
    // Without a key the request is still public.
    expect((await call(v2(`requests/${id}.xml`))).status).toBe(200);
    // Revoking again changes nothing; the list hides revoked keys unless asked.
    expect(dataOf(await revoke(issued.apiKey.id)).revokeOpen311ApiKey.revokedAt).toBe(revoked.revokedAt);
    expect((await keys()).some((k) => k.id === issued.apiKey.id)).toBe(false);
    expect((await keys(true)).some((k) => k.id === issued.apiKey.id)).toBe(true);
    expect(
      (await revoke(issued.apiKey.id, await make.officer(Role.DISTRICT_OFFICER, grid.areaPath))).errors?.[0]?.extensions?.['code'],
    ).toBe('FORBIDDEN');
  });

  it('answer 429 with Retry-After past the rate limit, until the next minute', async () => {
    const grid = await make.grid();
    const { key } = await issueKey(svc, admin, { areaPaths: [grid.areaPath], rateLimitPerMinute: 3 });
    try {
      svc.clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000 + 1000));
      for (let i = 0; i < 2; i++) expect((await call(v2(`services.xml?api_key=${key}`))).status).toBe(200);
      expect((await call(v2(`requests.xml?api_key=${key}`))).status).toBe(200);
      const limited = await call(v2(`requests.json?api_key=${key}`));
      expect(specError(limited, 'json', 429)).toMatch(/3 calls a minute/);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(specError(await file(key, grid), 'xml', 429)).toMatch(/try again/);
      svc.clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000 + 61_000));
      expect(filedId(await file(key, grid))).toMatch(/^DY-/);
    } finally {
      svc.clock.set(null);
    }
  });
});

describe('what a key may read', () => {
  it('the public sees published categories, rounded, without staff text; a key sees more only in its areas and as granted', async () => {
    const [mine, other] = await Promise.all([make.grid(), make.grid()]);
    const member = await make.member(mine, other);
    const report = async (grid: Grid, input: Record<string, unknown>) =>
      dataOf(
        await make.report(member, {
          gridId: grid.id,
          description: '王秀英家门口的路灯坏了，老人夜里出门危险',
          location: { latitude: 36.191234, longitude: 117.120987, addressText: '开元社区 4号楼 302室' },
          ...input,
        }),
      ).reportIncident.number;
    const light = await report(mine, { category: 'INFRASTRUCTURE', subcategory: 'STREET_LIGHT' });
    const dispute = await report(mine, { category: 'DISPUTE', subcategory: 'NEIGHBOURHOOD' });
    const lightElsewhere = await report(other, { category: 'INFRASTRUCTURE' });
    const { key } = await issueKey(svc, admin, {
      areaPaths: [mine.path],
      readGrants: ['EXACT_LOCATION', 'STAFF_REPORTS', 'UNPUBLISHED_SERVICES'],
    });
    const read = async (ids: string[], apiKey?: string) => {
      const params = new URLSearchParams({ service_request_id: ids.join(',') });
      if (apiKey) params.set('api_key', apiKey);
      const root = parseXml((await call(v2(`requests.xml?${params.toString()}`))).text);
      return new Map(
        elements(root).map((r) => [text(r, 'service_request_id'), Object.fromEntries(elements(r).map((e) => [e.tagName, e.textContent]))]),
      );
    };
    const pub = await read([light, dispute, lightElsewhere]);
    expect([...pub.keys()].sort()).toEqual([light, lightElsewhere].sort());
    expect(pub.get(light)).toMatchObject({ description: '', address: '', address_id: '', lat: '36.191', long: '117.121' });
    expect(JSON.stringify([...pub.values()])).not.toMatch(/王秀英|302室/);
    expect((await call(v2(`requests/${dispute}.xml`))).status).toBe(404);

    const granted = await read([light, dispute, lightElsewhere], key);
    expect([...granted.keys()].sort()).toEqual([light, dispute, lightElsewhere].sort());
    expect(granted.get(light)).toMatchObject({
      description: expect.stringMatching(/王秀英/),
      address: '开元社区 4号楼 302室',
      lat: '36.191234',
    });
    expect(granted.get(dispute)).toMatchObject({ service_name: 'Dispute: Neighbourhood' });
    // Outside its areas the key sees what the public sees.
    expect(granted.get(lightElsewhere)).toMatchObject({ description: '', address: '', lat: '36.191' });
  });
});

describe('keys in logs and events', () => {
  it('never appear in what the service logs or publishes, however they are used', async () => {
    const grid = await make.grid();
    const issued = await issueKey(svc, admin, { clientName: 'log-check client', areaPaths: [grid.areaPath] });
    const id = filedId(await file(issued.key, grid));
    await call(v2(`requests/${id}.xml?api_key=${encodeURIComponent(issued.key)}`));
    await call(v2(`requests.xml?api_key=${encodeURIComponent(issued.key)}&start_date=bad`));
    // A body the parser refuses, and a multipart body cut short, with the key in them.
    await call(v2('requests.xml'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"api_key": "${issued.key}", `,
    });
    await call(v2('requests.xml'), {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: `--x\r\nContent-Disposition: form-data; name="api_key"\r\n\r\n${issued.key}\r\n--x`,
    });
    dataOf(await revoke(issued.apiKey.id));
    await file(issued.key, grid);
    const [{ incidentId }] = await query<{ incidentId: string }>(svc.db.url, 'SELECT id AS "incidentId" FROM incident WHERE number = $1', [
      id,
    ]);
    const messages: ReceivedMessage[] = await readTopic(svc.topic('incident'), (all) =>
      all.some(
        (m) => m.value['type'] === IncidentEvents.reported && (m.value['data'] as { incidentId?: string }).incidentId === incidentId,
      ),
    );

    const secret = issued.key.slice(issued.apiKey.prefix.length);
    const sha = createHash('sha256').update(issued.key).digest();
    const forbidden = [issued.key, secret, sha.toString('hex'), sha.toString('base64'), encodeURIComponent(issued.key)];
    const logs = logLines.join('');
    const events = JSON.stringify(messages);
    // What was captured is real: the key's id is logged (issued, filed, revoked) and the filing was published.
    expect(logs).toContain(issued.apiKey.id);
    expect(events).toContain(incidentId);
    for (const f of forbidden) {
      expect(logs).not.toContain(f);
      expect(events).not.toContain(f);
    }
  });
});
