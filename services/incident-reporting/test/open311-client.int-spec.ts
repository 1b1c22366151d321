import sharp from 'sharp';
import { Role } from '@civgrid/auth';
import { dataOf, gql, query } from '@civgrid/testing';
import { startTestService, TestService } from '@civgrid/service-testing';
import { incidentReporting } from '../src';
import { phoneJpeg } from './fixtures/images';
import { factories, Grid } from './factories';
import { call, child, elements, issueKey, parseXml, text } from './open311.helpers';

// A deployed Open311 client as it works (FixMyStreet's Open311 module is the model): XML only,
// form-encoded POSTs with api_key and jurisdiction_id, and no key when it reads.

let svc: TestService;
let make: ReturnType<typeof factories>;

beforeAll(async () => {
  svc = await startTestService(incidentReporting);
  make = factories(svc);
});
afterAll(async () => {
  await make?.stop();
  await svc?.stop();
});

const JURISDICTION = 'daiyue.taian.sd.cn';

type Fields = Record<string, string>;

class XmlOnlyClient {
  constructor(
    private readonly endpoint: string,
    private readonly apiKey: string,
  ) {}

  private async get(path: string, params: Fields = {}) {
    const answer = await call(`${this.endpoint}/${path}?${new URLSearchParams({ jurisdiction_id: JURISDICTION, ...params }).toString()}`);
    if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${answer.text}`);
    expect(answer.contentType).toMatch(/^text\/xml/);
    return parseXml(answer.text);
  }

  services = async () =>
    elements(await this.get('services.xml')).map((s) => ({ code: text(s, 'service_code'), metadata: text(s, 'metadata') }));

  definition = async (code: string) =>
    elements(child(await this.get(`services/${code}.xml`), 'attributes')).map((a) => ({
      code: text(a, 'code'),
      required: text(a, 'required'),
    }));

  /** POST requests.xml, form-encoded; the service_request_id of the answer. */
  async file(fields: Fields, headers: Fields = {}): Promise<string> {
    const answer = await call(`${this.endpoint}/requests.xml`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
      body: new URLSearchParams({ api_key: this.apiKey, jurisdiction_id: JURISDICTION, ...fields }).toString(),
    });
    return this.created(answer);
  }

  /** The same with photos, as multipart/form-data (field `media`). */
  async fileWithPhotos(fields: Fields, photos: Buffer[]): Promise<string> {
    const body = new FormData();
    for (const [k, v] of Object.entries({ api_key: this.apiKey, jurisdiction_id: JURISDICTION, ...fields })) body.append(k, v);
    photos.forEach((p, i) => body.append('media', new Blob([p], { type: 'image/jpeg' }), `photo-${i}.jpg`));
    return this.created(await call(`${this.endpoint}/requests.xml`, { method: 'POST', body }));
  }

  private created(answer: { status: number; text: string }): string {
    if (answer.status < 200 || answer.status >= 300) throw new Error(`POST requests.xml: ${answer.status} ${answer.text}`);
    return text(child(parseXml(answer.text), 'request'), 'service_request_id');
  }

  async request(id: string) {
    const r = child(await this.get(`requests/${id}.xml`), 'request');
    return Object.fromEntries(elements(r).map((e) => [e.tagName, e.textContent ?? '']));
  }

  requests = async (params: Fields) => elements(await this.get('requests.xml', params)).map((r) => text(r, 'service_request_id'));

  updates = async (params: Fields) =>
    elements(await this.get('servicerequestupdates.xml', params)).map((u) => ({
      id: text(u, 'service_request_id'),
      status: text(u, 'status'),
      description: text(u, 'description'),
      at: text(u, 'updated_datetime'),
    }));
}

async function step(mutation: string, number: string, token: string, extra = ''): Promise<void> {
  const [{ id }] = await query<{ id: string }>(svc.db.url, 'SELECT id FROM incident WHERE number = $1', [number]);
  dataOf(await gql(svc.url, `mutation { ${mutation}(input: { id: "${id}"${extra} }) { status } }`, {}, token));
}

describe('an XML-only Open311 client', () => {
  let grid: Grid;
  let client: XmlOnlyClient;

  beforeAll(async () => {
    grid = await make.grid();
    const { key } = await issueKey(svc, await make.admin(), { clientName: '市民热线', areaPaths: [grid.areaPath] });
    client = new XmlOnlyClient(`${svc.url.replace(/\/graphql$/, '')}/open311/v2`, key);
  });

  it('lists services, reads a definition, files form-encoded and multipart with a photo, reads back, lists and follows updates', async () => {
    const since = new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    // 1. The services, and the definition of one that has metadata.
    const services = await client.services();
    const street = services.find((s) => s.code === 'INFRASTRUCTURE-STREET_LIGHT')!;
    expect(street.metadata).toBe('true');
    expect(await client.definition(street.code)).toEqual([{ code: 'grid_id', required: 'false' }]);

    // 2. File form-encoded, with the contact fields a client sends.
    const contact = { email: 'wang.xiuying@example.org', first_name: '秀英', last_name: '王', phone: '13812345678', device_id: 'dev-1' };
    const formId = await client.file({
      service_code: street.code,
      lat: '36.191234',
      long: '117.120987',
      address_string: '开元社区 4号楼东门',
      description: 'The street light at the east gate of building 4 is out.',
      'attribute[grid_id]': grid.id,
      ...contact,
    });
    expect(formId).toMatch(/^DY-\d{4}-\d{6}$/);

    // 3. File multipart with two photos, the first taken sideways with the phone's position in its EXIF.
    const photo = await phoneJpeg({ width: 40, height: 20, orientation: 6, gps: true });
    const photoId = await client.fileWithPhotos(
      {
        service_code: 'ENVIRONMENT_SANITATION-RUBBISH',
        lat: '36.1901',
        long: '117.1188',
        'attribute[grid_id]': grid.id,
        description: 'Rubbish by the gate.',
      },
      [photo, await phoneJpeg({ width: 16, height: 8, orientation: 1, gps: false })],
    );
    expect(photoId).not.toBe(formId);
    const [{ photos }] = await query<{ photos: number }>(
      svc.db.url,
      'SELECT cardinality(photo_ids) AS photos FROM incident WHERE number = $1',
      [photoId],
    );
    expect(photos).toBe(2);

    // 4. Read both back without a key: public, the location at the published precision, no address, no contact.
    const one = await client.request(formId);
    expect(one).toMatchObject({
      service_request_id: formId,
      status: 'open',
      service_code: street.code,
      service_name: 'Infrastructure: Street light',
      description: 'The street light at the east gate of building 4 is out.',
      lat: '36.191',
      long: '117.121',
      address: '',
      media_url: '',
    });
    for (const value of Object.values(contact)) expect(JSON.stringify(one)).not.toContain(value);
    const [stored] = await query<{ row: string }>(svc.db.url, 'SELECT to_jsonb(i)::text AS row FROM incident i WHERE number = $1', [
      formId,
    ]);
    for (const value of Object.values(contact)) expect(stored.row).not.toContain(value);

    const withPhoto = await client.request(photoId);
    expect(withPhoto.media_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/photos\/[0-9a-f-]{36}\?expires=\d+&signature=/);
    const image = await fetch(withPhoto.media_url);
    expect(image.status).toBe(200);
    const bytes = Buffer.from(await image.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 20, 40]);
    expect(meta.exif).toBeUndefined();
    expect(bytes.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);

    // 5. List by date and status.
    const now = new Date(Date.now() + 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    expect(await client.requests({ start_date: since, end_date: now, status: 'open' })).toEqual(expect.arrayContaining([formId, photoId]));
    expect(await client.requests({ start_date: since, end_date: now, status: 'closed' })).not.toContain(formId);

    // 6. The community accepts one and rejects the other; the client reads the updates since it last looked.
    const officer = await make.officer(Role.COMMUNITY_OFFICER, grid.areaPath);
    await step('acceptIncident', formId, officer);
    await step('rejectIncident', photoId, officer, ', reason: "Cleared the same morning."');
    const updates = await client.updates({ start_date: since });
    expect(updates.filter((u) => u.id === formId).map((u) => [u.status, u.description])).toEqual([
      ['open', 'Received.'],
      ['open', 'Accepted by the community.'],
    ]);
    expect(updates.filter((u) => u.id === photoId).map((u) => [u.status, u.description])).toEqual([
      ['open', 'Received.'],
      ['closed', 'Rejected: Cleared the same morning.'],
    ]);
    expect(updates.map((u) => u.at)).toEqual([...updates.map((u) => u.at)].sort());
    expect(await client.requests({ start_date: since, end_date: now, status: 'closed' })).toContain(photoId);
    expect((await client.request(photoId)).status_notes).toBe('Rejected: Cleared the same morning.');
  });

  it('gets the first service_request_id back when it retries a POST whose answer it lost', async () => {
    const fields = {
      service_code: 'OTHER',
      address_string: '老街口',
      description: `A loose manhole cover ${Date.now()}`,
      'attribute[grid_id]': grid.id,
    };
    const first = await client.file(fields);
    expect(await client.file(fields)).toBe(first);
    // Contact fields are not the report: a retry that fills them in is the same report.
    expect(await client.file({ ...fields, email: 'later@example.org' })).toBe(first);
    // Multipart retried, photo and all: the same request, and one photo.
    const photo = await phoneJpeg({ width: 16, height: 8, orientation: 1, gps: false });
    const withPhoto = { ...fields, description: `${fields.description} (photo)` };
    const m1 = await client.fileWithPhotos(withPhoto, [photo]);
    expect(await client.fileWithPhotos(withPhoto, [photo])).toBe(m1);
    const [{ n }] = await query<{ n: number }>(svc.db.url, `SELECT count(*)::int AS n FROM incident WHERE description LIKE $1`, [
      `${fields.description}%`,
    ]);
    expect(n).toBe(2);
    // Different content is a different request.
    expect(await client.file({ ...fields, description: `${fields.description}, again` })).not.toBe(first);
  });

  it('treats the same content as new after the window, and follows an Idempotency-Key where the client sends one', async () => {
    const fields = { service_code: 'OTHER', address_string: '西街', description: `Graffiti ${Date.now()}`, 'attribute[grid_id]': grid.id };
    const first = await client.file(fields, { 'idempotency-key': 'retry-token-1' });
    expect(await client.file(fields, { 'idempotency-key': 'retry-token-1' })).toBe(first);
    // The client says it is a second report: it is one.
    const second = await client.file(fields, { 'idempotency-key': 'retry-token-2' });
    expect(second).not.toBe(first);
    // Without a token, within the window, the same content is the first request; after it, a new one.
    const plain = await client.file({ ...fields, description: `${fields.description} (plain)` });
    try {
      svc.clock.set(new Date(Date.now() + 59 * 60_000));
      expect(await client.file({ ...fields, description: `${fields.description} (plain)` })).toBe(plain);
      svc.clock.set(new Date(Date.now() + 61 * 60_000));
      expect(await client.file({ ...fields, description: `${fields.description} (plain)` })).not.toBe(plain);
    } finally {
      svc.clock.set(null);
    }
  });
});
