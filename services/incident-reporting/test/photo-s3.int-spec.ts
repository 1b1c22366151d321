import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startTestService, TestService } from '@civgrid/service-testing';
import { incidentReporting } from '../src';
import { tinyJpeg } from './fixtures/images';
import { factories } from './factories';
import { S3Server, startS3Server } from './s3proxy';

// Photos in S3-compatible storage: a real S3 server (S3Proxy from Maven Central, see s3proxy.ts), the
// service configured for it, a photo uploaded over HTTP and read back through its signed link.

let s3: S3Server;
let svc: TestService;
let make: ReturnType<typeof factories>;
let client: S3Client;
let disk: string;
const bucket = 'civgrid-photos-test';

beforeAll(async () => {
  s3 = await startS3Server();
  client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  disk = mkdtempSync(join(tmpdir(), 'civgrid-photos-'));
  svc = await startTestService(incidentReporting, {
    extraEnv: {
      PHOTO_STORAGE_DIR: disk,
      PHOTO_S3_ENDPOINT: s3.endpoint,
      PHOTO_S3_BUCKET: bucket,
      PHOTO_S3_REGION: s3.region,
      PHOTO_S3_ACCESS_KEY_ID: s3.accessKeyId,
      PHOTO_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      PHOTO_S3_FORCE_PATH_STYLE: 'true',
    },
  });
  make = factories(svc);
}, 480_000);
afterAll(async () => {
  await make?.stop();
  await svc?.stop();
  client?.destroy();
  await s3?.stop();
  if (disk) rmSync(disk, { recursive: true, force: true });
});

describe('photos in S3-compatible storage', () => {
  it('stores an uploaded photo, without its EXIF, as an object named by its SHA-256, and serves it through the signed link', async () => {
    const base = svc.url.replace(/\/graphql$/, '');
    const member = await make.member(await make.grid());
    const upload = () =>
      fetch(`${base}/photos`, {
        method: 'POST',
        headers: { authorization: `Bearer ${member}` },
        body: tinyJpeg({ gps: true, fill: 4000 }),
      });
    const res = await upload();
    expect(res.status).toBe(201);
    const photo = (await res.json()) as { id: string; sha256: string; sizeBytes: number; url: string };
    const stored = tinyJpeg({ gps: false, fill: 4000 });
    expect(photo).toMatchObject({ sha256: createHash('sha256').update(stored).digest('hex'), sizeBytes: stored.length });

    // In the bucket, under its hash; nothing on local disk.
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${photo.sha256.slice(0, 2)}/${photo.sha256}` }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(stored)).toBe(true);
    expect(readdirSync(disk)).toEqual([]);

    const view = await fetch(`${base}${photo.url}`);
    expect(view.status).toBe(200);
    expect(view.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await view.arrayBuffer());
    expect(bytes.equals(stored)).toBe(true);
    expect(bytes.includes('GPS-36.19N')).toBe(false);

    // The same picture again is the same photo and the same object.
    expect(((await (await upload()).json()) as { id: string }).id).toBe(photo.id);
    expect((await fetch(`${base}${photo.url.replace(/signature=[^&]+/, 'signature=AAAA')}`)).status).toBe(403);
  });
});
