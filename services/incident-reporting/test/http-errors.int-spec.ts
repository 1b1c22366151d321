import { startTestService, TestService } from '@civgrid/service-kit';
import { query } from '@civgrid/testing';
import { incidentReporting } from '../src';
import { factories } from './factories';

// The plain HTTP endpoints (Open311, photos) answer bad input with a 4xx and a message a client can
// show, in the endpoint's own error format: never a 500, never the framework's default page.

let svc: TestService;
let make: ReturnType<typeof factories>;
let base: string;

beforeAll(async () => {
  svc = await startTestService(incidentReporting);
  make = factories(svc);
  base = svc.url.replace(/\/graphql$/, '');
});
afterAll(async () => {
  await make?.stop();
  await svc?.stop();
});

const open311 = (path: string) => `${base}/open311/v2/${path}`;
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

/** Status and body, with the body parsed as the server said it is. */
async function answer(res: Response): Promise<{ status: number; body: unknown }> {
  const text = await res.text();
  return { status: res.status, body: /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text };
}

const specError = (status: number, description: RegExp) => ({
  status,
  body: [{ code: status, description: expect.stringMatching(description) }],
});

describe('Open311 answers bad input with 4xx in the spec format', () => {
  it('refuses ids that are not UUIDs before they reach the database', async () => {
    const grid = await make.grid();
    const member = await make.member(grid);
    const good = { api_key: member, service_code: 'OTHER', lat: '36.19', long: '117.12', 'attribute[grid_id]': grid.id };
    // 36 characters of hex and dashes, as the old check allowed, but no UUID: PostgreSQL would have said 22P02.
    const notUuid = '0123456789abcdef-0123456789abcdef-01';
    expect(await answer(await fetch(open311('requests.json'), form({ ...good, 'attribute[grid_id]': notUuid })))).toEqual(
      specError(400, /attribute\[grid_id\] must be a grid id/),
    );
    expect(await answer(await fetch(open311('requests.json'), form({ ...good, address_id: notUuid })))).toEqual(
      specError(400, /address_id must be a dwelling id/),
    );
    // A JSON client sending the attribute as an object is held to the same rule.
    const json = await fetch(open311('requests.json'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...good, 'attribute[grid_id]': undefined, attribute: { grid_id: '------------------------------------' } }),
    });
    expect(await answer(json)).toEqual(specError(400, /grid id/));
    const [{ n }] = await query<{ n: number }>(svc.db.url, 'SELECT count(*)::int AS n FROM incident');
    expect(n).toBe(0);
    // The same request with good ids is filed.
    expect((await fetch(open311('requests.json'), form(good))).status).toBe(201);
  });

  it('refuses text PostgreSQL cannot store, a body that is not JSON, and a date out of its range', async () => {
    const grid = await make.grid();
    const member = await make.member(grid);
    const good = { api_key: member, service_code: 'OTHER', lat: '36.19', long: '117.12', 'attribute[grid_id]': grid.id };
    expect(await answer(await fetch(open311('requests.json'), form({ ...good, description: 'a\u0000b' })))).toEqual(
      specError(400, /description contains a NUL/),
    );
    const broken = await fetch(open311('requests.json'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"service_code": ',
    });
    expect(await answer(broken)).toEqual(specError(400, /JSON/));
    const auth = { headers: { authorization: `Bearer ${member}` } };
    expect(await answer(await fetch(open311('requests.json?service_request_id=%00'), auth))).toEqual(
      specError(400, /service_request_id contains a NUL/),
    );
    // A valid W3C date-time that PostgreSQL's timestamptz cannot hold: the database's refusal, mapped (fromPostgres).
    expect(await answer(await fetch(open311('requests.json?start_date=-200000-01-01T00:00:00Z'), auth))).toEqual(
      specError(400, /wrong format|out of the allowed range/),
    );
  });

  it('answers another format in that format, and an unknown endpoint in the spec format rather than the framework page', async () => {
    const xml = await fetch(open311('requests.xml'));
    expect(xml.status).toBe(400);
    expect(xml.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(await xml.text()).toMatch(
      /^<\?xml version="1.0" encoding="utf-8"\?>\n<errors><error><code>400<\/code><description>Only the JSON format is served: use \.json\.<\/description><\/error><\/errors>/,
    );
    expect((await fetch(open311('requests/DY-2026-000001.xml'))).status).toBe(400);
    expect(await answer(await fetch(open311('discovery.json')))).toEqual(specError(404, /No endpoint discovery\.json/));
    expect(await answer(await fetch(open311('requests.json'), { method: 'DELETE' }))).toEqual(specError(404, /No endpoint/));
  });
});

describe('photos answer bad input with 4xx and a reason', () => {
  it('refuses a malformed id, an unknown path, and a body that claims to be JSON but is not', async () => {
    const grid = await make.grid();
    const member = await make.member(grid);
    expect(await answer(await fetch(`${base}/photos/not-a-uuid?expires=1&signature=x`))).toEqual({
      status: 400,
      body: { error: { code: 'BAD_USER_INPUT', reason: 'PHOTO_ID_MALFORMED', message: expect.stringMatching(/UUID/) } },
    });
    expect(await answer(await fetch(`${base}/photos`))).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', reason: 'PHOTO_ENDPOINT_NOT_FOUND', message: expect.stringMatching(/POST \/photos/) } },
    });
    expect((await answer(await fetch(`${base}/photos/a/b`, { method: 'PUT' }))).status).toBe(404);
    const json = await fetch(`${base}/photos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${member}`, 'content-type': 'application/json' },
      body: '{"not": ',
    });
    expect(await answer(json)).toEqual({
      status: 400,
      body: { error: { code: 'BAD_USER_INPUT', reason: 'HTTP_400', message: expect.stringMatching(/JSON/) } },
    });
  });
});
