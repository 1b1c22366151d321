import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { GetObjectCommand, GetObjectCommandOutput, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3Settings } from '../config/config';

/** Where photo bytes live, addressed by their SHA-256 (hex): the same picture is stored once. */
export interface PhotoStorage {
  put(sha256: string, bytes: Buffer): Promise<void>;
  get(sha256: string): Promise<Buffer | null>;
}

export const PHOTO_STORAGE = Symbol('incident:photo-storage');

const HEX64 = /^[0-9a-f]{64}$/;

/** The default: files under one directory, fanned out by the first two hex digits. */
export class LocalDiskPhotoStorage implements PhotoStorage {
  private readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
  }

  private pathOf(sha256: string): string {
    if (!HEX64.test(sha256)) throw new Error('not a SHA-256');
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  async put(sha256: string, bytes: Buffer): Promise<void> {
    const path = this.pathOf(sha256);
    if (
      await stat(path).then(
        () => true,
        () => false,
      )
    )
      return;
    await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
    // Write then rename: a reader never sees half a file, and two writers of one hash agree.
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  }

  async get(sha256: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }
}

/** The subset of the S3 client this storage uses: the real `S3Client`, or a fake at this boundary in unit tests. */
export interface S3Like {
  send(command: HeadObjectCommand | PutObjectCommand | GetObjectCommand): Promise<unknown>;
}

const missing = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
};

/**
 * Any S3-compatible store (AWS S3, MinIO, Ceph RGW, s3proxy, …): one object per picture under
 * `<first two hex digits>/<sha256>`. The bucket stays private: clients see the service's own signed
 * links, and the service reads the bytes from here.
 */
export class S3PhotoStorage implements PhotoStorage {
  constructor(
    private readonly client: S3Like,
    private readonly bucket: string,
  ) {}

  static connect(s: S3Settings): S3PhotoStorage {
    const client = new S3Client({
      endpoint: s.endpoint,
      region: s.region,
      forcePathStyle: s.forcePathStyle,
      credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
      // Checksums only where S3 requires them: many S3-compatible servers refuse the newer default trailers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
    return new S3PhotoStorage(client, s.bucket);
  }

  private keyOf(sha256: string): string {
    if (!HEX64.test(sha256)) throw new Error('not a SHA-256');
    return `${sha256.slice(0, 2)}/${sha256}`;
  }

  async put(sha256: string, bytes: Buffer): Promise<void> {
    const Key = this.keyOf(sha256);
    // Stored by content: an object that is there already holds these very bytes.
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return;
    } catch (error) {
      if (!missing(error)) throw error;
    }
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key,
        Body: bytes,
        ContentLength: bytes.length,
        ContentType: 'application/octet-stream',
        ContentMD5: createHash('md5').update(bytes).digest('base64'),
      }),
    );
  }

  async get(sha256: string): Promise<Buffer | null> {
    try {
      const out = (await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }),
      )) as GetObjectCommandOutput;
      if (!out.Body) return null;
      return Buffer.from(await out.Body.transformToByteArray());
    } catch (error) {
      if (missing(error)) return null;
      throw error;
    }
  }
}
