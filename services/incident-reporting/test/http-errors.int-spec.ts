import { query } from '@civgrid/testing';
import { startTestService, TestService } from '@civgrid/service-testing';
import { incidentReporting } from '../src';
import { factories } from './factories';
import { issueKey } from './open311.helpers';

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
    const { key } = await issueKey(svc, await make.admin(), { areaPaths: [grid.areaPath] });
    const good = { api_key: key, service_code: 'OTHER', lat: '36.19', long: '117.12', 'attribute[grid_id]': grid.id };
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
    const { key } = await issueKey(svc, await make.admin(), { areaPaths: [grid.areaPath] });
    const good = { api_key: key, service_code: 'OTHER', lat: '36.19', long: '117.12', 'attribute[grid_id]': grid.id };
    expect(await answer(await fetch(open311('requests.json'), form({ ...good, description: 'a\u0000b' })))).toEqual(
      specError(400, /description contains a NUL/),
    );
    const broken = await fetch(open311('requests.json'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"service_code": ',
    });
    expect(await answer(broken)).toEqual(specError(400, /JSON/));
    expect(await answer(await fetch(open311('requests.json?service_request_id=%00')))).toEqual(
      specError(400, /service_request_id contains a NUL/),
    );
    // A year PostgreSQL's timestamptz cannot hold is not a W3C date-time either: refused before the query.
    expect(await answer(await fetch(open311('requests.json?start_date=-200000-01-01T00:00:00Z')))).toEqual(
      specError(400, /start_date must be a W3C date-time/),
    );
  });

  it('answers XML errors as text/xml, JSON errors as JSON, and an unknown endpoint in the spec format rather than the framework page', async () => {
    const xml = await fetch(open311('requests/DY-2026-999999.xml'));
    expect(xml.status).toBe(404);
    expect(xml.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(await xml.text()).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<errors>\n  <error>\n    <code>404</code>\n    <description>No service request DY-2026-999999.</description>\n  </error>\n</errors>\n',
    );
    expect(await answer(await fetch(open311('nothing.json')))).toEqual(specError(404, /No endpoint nothing\.json/));
    expect(await answer(await fetch(open311('requests.json'), { method: 'DELETE' }))).toEqual(specError(404, /No endpoint/));
  });

  it("answers a photo the photo path refuses with the spec's 400 (not 415), and files nothing", async () => {
    const grid = await make.grid();
    const { key } = await issueKey(svc, await make.admin(), { areaPaths: [grid.areaPath], defaultGridId: grid.id });
    const body = new FormData();
    for (const [k, v] of Object.entries({ api_key: key, service_code: 'OTHER', lat: '36.19', long: '117.12', description: 'pdf' }))
      body.append(k, v);
    body.append('media', new Blob([Buffer.from('%PDF-1.7 not a photo')]), 'x.jpg');
    expect(await answer(await fetch(open311('requests.json'), { method: 'POST', body }))).toEqual(specError(400, /JPEG, PNG and WebP/));
    const [{ n }] = await query<{ n: number }>(svc.db.url, `SELECT count(*)::int AS n FROM incident WHERE description = 'pdf'`);
    expect(n).toBe(0);
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
