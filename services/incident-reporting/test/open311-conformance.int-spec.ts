import { Role } from '@civgrid/auth';
import { dataOf, gql } from '@civgrid/testing';
import { startTestService, TestService } from '@civgrid/service-testing';
import { incidentReporting } from '../src';
import { phoneJpeg } from './fixtures/images';
import { factories, Grid } from './factories';
import {
  call,
  child,
  DATATYPES,
  DECIMAL,
  elements,
  form,
  HttpAnswer,
  issueKey,
  Json,
  LISTS,
  names,
  normalise,
  parseXml,
  spark,
  SPEC,
  specError,
  text,
  W3C_DATETIME,
} from './open311.helpers';

// A conformance suite for GeoReport v2 written from the specification's text: every resource in
// both formats, XML parsed by a real parser (element names and order, required elements, types),
// JSON the same tree by the Spark convention, and every error path in the specification's format.

const PUBLIC_BASE = 'https://open311.daiyue.example';
let svc: TestService;
let make: ReturnType<typeof factories>;
let v2: (path: string) => string;
let grid: Grid;
let key: string;
let officer: string;
let filed: string;

beforeAll(async () => {
  svc = await startTestService(incidentReporting, { extraEnv: { PUBLIC_BASE_URL: PUBLIC_BASE } });
  make = factories(svc);
  const base = svc.url.replace(/\/graphql$/, '');
  v2 = (path) => `${base}/open311/v2/${path}`;
  grid = await make.grid();
  officer = await make.officer(Role.COMMUNITY_OFFICER, grid.areaPath);
  ({ key } = await issueKey(svc, await make.admin(), { areaPaths: [grid.areaPath], defaultGridId: grid.id, rateLimitPerMinute: 1000 }));
  // One request with a photo, through Open311, to read back in every format.
  const body = new FormData();
  for (const [k, v] of Object.entries({ api_key: key, service_code: 'INFRASTRUCTURE-STREET_LIGHT', lat: '36.191234', long: '117.120987' }))
    body.append(k, v);
  body.append('description', 'The street light at the east gate is out.');
  body.append('media', new Blob([await phoneJpeg({ width: 16, height: 8, orientation: 1, gps: false })]), 'light.jpg');
  const created = await call(v2('requests.xml'), { method: 'POST', body });
  if (created.status !== 201) throw new Error(`filing failed: ${created.status} ${created.text}`);
  filed = text(child(parseXml(created.text), 'request'), 'service_request_id');
}, 120_000);
afterAll(async () => {
  await make?.stop();
  await svc?.stop();
});

const both = ['xml', 'json'] as const;

/** XML checked against the specification, then the JSON answer compared with it element for element. */
async function fetchBoth(path: string): Promise<{ xml: ReturnType<typeof parseXml>; json: Json }> {
  const [x, j] = await Promise.all([call(v2(`${path.replace('{f}', 'xml')}`)), call(v2(`${path.replace('{f}', 'json')}`))]);
  expect([x.status, j.status]).toEqual([200, 200]);
  expect(x.contentType).toBe('text/xml; charset=utf-8');
  expect(j.contentType).toBe('application/json; charset=utf-8');
  const xml = parseXml(x.text);
  const json = JSON.parse(j.text) as Json;
  expect(normalise(json)).toEqual(spark(xml, LISTS));
  return { xml, json };
}

const bool = (v: string) => expect(['true', 'false']).toContain(v);

describe('GeoReport v2 resources, in XML and JSON', () => {
  it('discovery lists the endpoint, its formats and the specification, in both formats at both places', async () => {
    const { xml, json } = await fetchBoth('discovery.{f}');
    expect(xml.tagName).toBe('discovery');
    expect(names(xml)).toEqual(SPEC.discovery);
    const endpoints = elements(child(xml, 'endpoints'));
    expect(endpoints.map((e) => e.tagName)).toEqual(['endpoint']);
    expect(names(endpoints[0])).toEqual(SPEC.endpoint);
    expect(text(endpoints[0], 'specification')).toBe('http://wiki.open311.org/GeoReport_v2');
    expect(text(endpoints[0], 'url')).toBe(`${PUBLIC_BASE}/open311/v2`);
    expect(['production', 'test']).toContain(text(endpoints[0], 'type'));
    expect(elements(child(endpoints[0], 'formats')).map((f) => f.textContent)).toEqual(['text/xml', 'application/json']);
    expect((json as { endpoints: { formats: string[] }[] }).endpoints[0].formats).toEqual(['text/xml', 'application/json']);
    // "This url must end in /discovery.<format>": also beside the endpoints' root.
    const top = await call(v2('../discovery.xml'));
    expect(top.status).toBe(200);
    expect(names(parseXml(top.text))).toEqual(SPEC.discovery);
  });

  it('GET services: every service with its elements in order, metadata and type from their value sets', async () => {
    const { xml, json } = await fetchBoth('services.{f}?jurisdiction_id=daiyue.taian.sd.cn');
    expect(xml.tagName).toBe('services');
    const services = elements(xml);
    expect(services.length).toBeGreaterThan(0);
    for (const s of services) {
      expect(s.tagName).toBe('service');
      expect(names(s)).toEqual(SPEC.service);
      bool(text(s, 'metadata'));
      expect(['realtime', 'batch', 'blackbox']).toContain(text(s, 'type'));
      expect(text(s, 'service_code')).not.toBe('');
      expect(text(s, 'service_name')).not.toBe('');
    }
    const codes = services.map((s) => text(s, 'service_code'));
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toContain('INFRASTRUCTURE-STREET_LIGHT');
    // Only what the district publishes: care alerts never, disputes and social assistance not by default.
    expect(codes.some((c) => /^(CARE_ALERT|DISPUTE|SOCIAL_ASSISTANCE)/.test(c))).toBe(false);
    expect(typeof (json as { metadata: unknown }[])[0].metadata).toBe('boolean');
  });

  it('GET a service definition: service_definition with attributes in order, datatype and order as the spec allows', async () => {
    const { xml, json } = await fetchBoth('services/INFRASTRUCTURE-STREET_LIGHT.{f}?jurisdiction_id=daiyue.taian.sd.cn');
    expect(xml.tagName).toBe('service_definition');
    expect(names(xml)).toEqual(SPEC.serviceDefinition);
    expect(text(xml, 'service_code')).toBe('INFRASTRUCTURE-STREET_LIGHT');
    const attributes = elements(child(xml, 'attributes'));
    expect(attributes.length).toBeGreaterThan(0);
    const orders = attributes.map((a) => Number(text(a, 'order')));
    for (const a of attributes) {
      expect(a.tagName).toBe('attribute');
      expect(names(a)).toEqual(SPEC.attribute);
      bool(text(a, 'variable'));
      bool(text(a, 'required'));
      expect(DATATYPES).toContain(text(a, 'datatype'));
      for (const v of elements(child(a, 'values'))) expect(names(v)).toEqual(SPEC.value);
    }
    expect(orders.every((o) => Number.isInteger(o) && o > 0)).toBe(true);
    expect(new Set(orders).size).toBe(orders.length);
    // JSON: an object, not a list (the specification's example).
    expect(Array.isArray(json)).toBe(false);
  });

  it('GET requests and GET requests/{id}: each request with its elements in order, status open or closed, W3C dates', async () => {
    for (const path of [
      `requests/${filed}.{f}`,
      `requests.{f}?service_request_id=${filed}`,
      `requests.{f}?status=open&service_code=INFRASTRUCTURE-STREET_LIGHT`,
    ]) {
      const { xml } = await fetchBoth(path);
      expect(xml.tagName).toBe('service_requests');
      const requests = elements(xml);
      expect(requests.map((r) => r.tagName).every((t) => t === 'request')).toBe(true);
      const mine = requests.find((r) => text(r, 'service_request_id') === filed)!;
      expect(mine).toBeDefined();
      for (const r of requests) {
        expect(names(r)).toEqual(SPEC.request);
        expect(['open', 'closed']).toContain(text(r, 'status'));
        expect(text(r, 'requested_datetime')).toMatch(W3C_DATETIME);
        expect(text(r, 'updated_datetime')).toMatch(W3C_DATETIME);
        const expected = text(r, 'expected_datetime');
        if (expected) expect(expected).toMatch(W3C_DATETIME);
        for (const n of ['lat', 'long']) if (text(r, n)) expect(text(r, n)).toMatch(DECIMAL);
      }
      expect(text(mine, 'service_name')).toBe('Infrastructure: Street light');
      expect(text(mine, 'description')).toBe('The street light at the east gate is out.');
      expect(text(mine, 'media_url')).toMatch(new RegExp(`^${PUBLIC_BASE}/photos/[0-9a-f-]{36}\\?expires=\\d+&signature=`));
    }
  });

  it('names a service the same in the service list and in its requests', async () => {
    const services = elements(parseXml((await call(v2('services.xml'))).text));
    const listed = new Map(services.map((s) => [text(s, 'service_code'), text(s, 'service_name')]));
    const request = child(parseXml((await call(v2(`requests/${filed}.xml`))).text), 'request');
    expect(text(request, 'service_name')).toBe(listed.get(text(request, 'service_code')));
  });

  it('mySociety servicerequestupdates: each request_update with its elements in order', async () => {
    const since = new Date(Date.now() - 3600_000).toISOString();
    const { xml } = await fetchBoth(`servicerequestupdates.{f}?start_date=${encodeURIComponent(since)}`);
    expect(xml.tagName).toBe('service_request_updates');
    const updates = elements(xml);
    expect(updates.some((u) => text(u, 'service_request_id') === filed)).toBe(true);
    for (const u of updates) {
      expect(u.tagName).toBe('request_update');
      expect(names(u)).toEqual(SPEC.requestUpdate);
      expect(['open', 'closed']).toContain(text(u, 'status'));
      expect(text(u, 'updated_datetime')).toMatch(W3C_DATETIME);
    }
  });

  it('answers POST requests with service_requests/request: service_request_id, service_notice, account_id, no token', async () => {
    for (const f of both) {
      const answer = await call(
        v2(`requests.${f}`),
        form({ api_key: key, service_code: 'OTHER', address_string: `东门 ${f}`, description: `conformance ${f}` }),
      );
      expect(answer.status).toBe(201);
      expect(answer.contentType).toBe(f === 'xml' ? 'text/xml; charset=utf-8' : 'application/json; charset=utf-8');
      if (f === 'xml') {
        const root = parseXml(answer.text);
        expect(root.tagName).toBe('service_requests');
        expect(names(child(root, 'request'))).toEqual(SPEC.created);
        expect(text(child(root, 'request'), 'service_request_id')).toMatch(/^DY-\d{4}-\d{6}$/);
      } else {
        const body = JSON.parse(answer.text) as Record<string, unknown>[];
        expect(Object.keys(body[0])).toEqual(SPEC.created);
        expect(body[0]['account_id']).toBeNull();
      }
    }
  });
});

describe("GeoReport v2 errors: the specification's document and status codes, in both formats", () => {
  const post = (f: string, fields: Record<string, string>) => call(v2(`requests.${f}`), form(fields));

  it.each(both)('404 for a jurisdiction that is not served, on every endpoint (%s)', async (f) => {
    const wrong = 'jurisdiction_id=somewhere.else';
    for (const path of [
      `services.${f}?${wrong}`,
      `services/OTHER.${f}?${wrong}`,
      `requests.${f}?${wrong}`,
      `requests/${filed}.${f}?${wrong}`,
      `servicerequestupdates.${f}?${wrong}`,
    ])
      expect(specError(await call(v2(path)), f, 404)).toMatch(/somewhere\.else/);
    expect(
      specError(
        await post(f, { api_key: key, service_code: 'OTHER', lat: '36.19', long: '117.12', jurisdiction_id: 'somewhere.else' }),
        f,
        404,
      ),
    ).toMatch(/somewhere\.else/);
  });

  it.each(both)('404 for a service, request or endpoint that does not exist (%s)', async (f) => {
    expect(specError(await call(v2(`services/NOPE.${f}`)), f, 404)).toMatch(/NOPE/);
    expect(specError(await call(v2(`services/CARE_ALERT.${f}`)), f, 404)).toMatch(/CARE_ALERT/);
    expect(specError(await call(v2(`requests/DY-2000-000001.${f}`)), f, 404)).toMatch(/DY-2000-000001/);
    expect(specError(await call(v2(`tokens/123.${f}`)), f, 404)).toMatch(/No endpoint/);
    expect(specError(await call(v2(`requests.${f}`), { method: 'DELETE' }), f, 404)).toMatch(/No endpoint/);
    expect(specError(await post(f, { api_key: key, service_code: 'NOPE', lat: '36.19', long: '117.12' }), f, 404)).toMatch(/NOPE/);
  });

  it.each(both)('403 for a missing or invalid api_key, filing or reading (%s)', async (f) => {
    const good = { service_code: 'OTHER', lat: '36.19', long: '117.12' };
    expect(specError(await post(f, good), f, 403)).toMatch(/api_key/);
    expect(specError(await post(f, { ...good, api_key: '' }), f, 403)).toMatch(/api_key/);
    expect(specError(await post(f, { ...good, api_key: 'civ311_not-a-key' }), f, 403)).toMatch(/api_key/);
    expect(specError(await call(v2(`requests.${f}?api_key=wrong`)), f, 403)).toMatch(/api_key/);
    // A staff token is not a client key.
    expect(specError(await post(f, { ...good, api_key: officer }), f, 403)).toMatch(/api_key/);
  });

  it.each(both)('400 for a request that cannot be filed as sent (%s)', async (f) => {
    const good = { api_key: key, service_code: 'OTHER', lat: '36.19', long: '117.12' };
    expect(specError(await post(f, { ...good, service_code: '' }), f, 400)).toMatch(/service_code/);
    expect(specError(await post(f, { api_key: key, service_code: 'OTHER' }), f, 400)).toMatch(/location/);
    expect(specError(await post(f, { ...good, long: '' }), f, 400)).toMatch(/lat and long/);
    expect(specError(await post(f, { ...good, lat: '91' }), f, 400)).toMatch(/lat/);
    expect(specError(await post(f, { ...good, description: 'x'.repeat(4001) }), f, 400)).toMatch(/4000/);
    expect(specError(await post(f, { ...good, 'attribute[grid_id]': 'not-a-grid' }), f, 400)).toMatch(/grid_id/);
    expect(
      specError(
        await call(v2(`requests.${f}`), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a": ' }),
        f,
        400,
      ),
    ).toMatch(/JSON/);
  });

  it.each(both)('400 naming a single-valued parameter given twice (%s)', async (f) => {
    expect(specError(await call(v2(`requests.${f}?status=closed&status=open`)), f, 400)).toMatch(/^status /);
    expect(specError(await call(v2(`services.${f}?jurisdiction_id=a&jurisdiction_id=b`)), f, 400)).toMatch(/^jurisdiction_id /);
    const repeated: [string, string][] = [
      ['api_key', key],
      ['service_code', 'OTHER'],
      ['lat', '36.19'],
      ['long', '117.12'],
      ['description', 'first'],
      ['description', ''],
    ];
    expect(specError(await call(v2(`requests.${f}`), form(repeated)), f, 400)).toMatch(/^description /);
  });

  it.each(both)('400 for dates that are not W3C date-times with a time zone, and ranges over 90 days (%s)', async (f) => {
    for (const bad of [
      '2026-12-01',
      '2026-12-01T08:00:00',
      '2026-02-30T00:00:00Z',
      '2026-12-01T25:00:00Z',
      '2026-12-01 08:00:00Z',
      'yesterday',
    ])
      expect(specError(await call(v2(`requests.${f}?start_date=${encodeURIComponent(bad)}`)), f, 400)).toMatch(
        /start_date must be a W3C date-time/,
      );
    expect(specError(await call(v2(`requests.${f}?start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:00Z`)), f, 400)).toMatch(
      /90 days/,
    );
    expect(
      specError(await call(v2(`servicerequestupdates.${f}?start_date=2025-01-01T00:00:00Z&end_date=2025-06-01T00:00:00Z`)), f, 400),
    ).toMatch(/90 days/);
    expect(specError(await call(v2(`requests.${f}?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z`)), f, 400)).toMatch(
      /after/,
    );
    expect(specError(await call(v2(`requests.${f}?status=pending`)), f, 400)).toMatch(/status/);
    // 90 days exactly, with an offset, is a valid window.
    expect((await call(v2(`requests.${f}?start_date=2026-01-01T08:00:00%2B08:00&end_date=2026-04-01T08:00:00%2B08:00`))).status).toBe(200);
  });

  it('400, in XML, for a format that is neither .xml nor .json', async () => {
    const answer: HttpAnswer = await call(v2('services.html'));
    expect(specError(answer, 'xml', 400)).toMatch(/\.xml and \.json/);
    expect(specError(await call(v2('services')), 'xml', 400)).toMatch(/\.xml and \.json/);
    expect(specError(await call(v2('requests/DY-2026-000001%01.json')), 'json', 400)).toMatch(/control character/);
    expect(specError(await call(v2('../v2')), 'xml', 404)).toMatch(/No endpoint/);
  });

  it('issues a key through the graph for admins only', async () => {
    const res = await gql(
      svc.url,
      `mutation { issueOpen311ApiKey(input: { clientName: "x", areaPaths: ["${grid.areaPath}"] }) { key } }`,
      {},
      officer,
    );
    expect(res.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect(
      dataOf(await gql<{ open311ApiKeys: { totalCount: number } }>(svc.url, `{ open311ApiKeys { totalCount } }`, {}, await make.admin()))
        .open311ApiKeys.totalCount,
    ).toBeGreaterThan(0);
  });
});
