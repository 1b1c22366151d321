import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '@civgrid/auth';
import { Clock, CONFIG, orderByKeys } from '@civgrid/service-kit';
import { IncidentReportingConfig } from '../config/config';
import { MalformedImageError, sniffImageType, stripMetadata, uprightPixels } from './image';
import { PhotoErrors } from './photo.errors';
import { PHOTO_STORAGE, PhotoStorage } from './photo.storage';

export interface PhotoView {
  id: string;
  sha256: string;
  contentType: string;
  sizeBytes: number;
  uploadedAt: Date;
  /** A signed link that works in an <img> tag until it expires. */
  url: string;
}

interface PhotoRow {
  id: string;
  sha256: string;
  contentType: string;
  sizeBytes: number;
  uploadedBy: string;
  uploadedAt: Date;
}

const COLUMNS = `id, sha256, content_type AS "contentType", size_bytes AS "sizeBytes", uploaded_by AS "uploadedBy", uploaded_at AS "uploadedAt"`;

@Injectable()
export class PhotoService {
  private readonly secret: Buffer;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(PHOTO_STORAGE) private readonly storage: PhotoStorage,
    @Inject(CONFIG) private readonly config: IncidentReportingConfig,
  ) {
    this.secret = config.PHOTO_URL_SECRET ? Buffer.from(config.PHOTO_URL_SECRET) : randomBytes(32);
  }

  get maxBytes(): number {
    return this.config.PHOTO_MAX_BYTES;
  }

  /**
   * Checks the bytes, turns the pixels upright where EXIF says so, strips where-and-when metadata,
   * stores by hash. The same picture from one person twice is one photo.
   */
  async upload(principal: Principal, raw: Buffer): Promise<PhotoView> {
    if (raw.length === 0) throw PhotoErrors.empty();
    if (raw.length > this.config.PHOTO_MAX_BYTES) throw PhotoErrors.tooLarge(this.config.PHOTO_MAX_BYTES);
    const type = sniffImageType(raw);
    if (!type) throw PhotoErrors.unsupportedType();
    let bytes: Buffer;
    try {
      // Turned first (the orientation tag goes with the rest of the metadata), then stripped.
      bytes = stripMetadata(type, await uprightPixels(type, raw));
    } catch (error) {
      if (error instanceof MalformedImageError) throw PhotoErrors.malformed();
      throw error;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // Bytes first: a row never points at a missing file (an orphan file is harmless, it has no row).
    await this.storage.put(sha256, bytes);
    const [row] = await this.dataSource.query<PhotoRow[]>(
      `WITH inserted AS (
         INSERT INTO photo (id, sha256, content_type, size_bytes, uploaded_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (uploaded_by, sha256) DO NOTHING RETURNING ${COLUMNS})
       SELECT * FROM inserted UNION ALL SELECT ${COLUMNS} FROM photo WHERE uploaded_by = $5 AND sha256 = $2 LIMIT 1`,
      [randomUUID(), sha256, type, bytes.length, principal.userId],
    );
    return this.view(row);
  }

  /** Every id must be a photo this person uploaded; one statement for the lot. */
  async assertOwned(manager: EntityManager, principal: Principal, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const rows = await manager.query<{ id: string; uploadedBy: string }[]>(
      `SELECT id, uploaded_by AS "uploadedBy" FROM photo WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    for (const id of ids) {
      const row = rows.find((r) => r.id === id);
      if (!row) throw PhotoErrors.notFound(id);
      if (row.uploadedBy !== principal.userId) throw PhotoErrors.notYours(id);
    }
  }

  /** For a batch of incidents: their photos in one statement. */
  async loadByIds(ids: readonly string[]): Promise<(PhotoView | Error)[]> {
    const rows = await this.dataSource.query<PhotoRow[]>(`SELECT ${COLUMNS} FROM photo WHERE id = ANY($1::uuid[])`, [ids]);
    return orderByKeys(
      ids,
      rows.map((r) => this.view(r)),
      (p) => p.id,
      (id) => PhotoErrors.notFound(id),
    );
  }

  /** The bytes behind a signed link. */
  async open(
    id: string,
    expires: string | undefined,
    signature: string | undefined,
  ): Promise<{ contentType: string; bytes: Buffer; sha256: string }> {
    const exp = Number(expires);
    if (!signature || !Number.isInteger(exp) || exp * 1000 < this.clock.now().getTime()) throw PhotoErrors.linkInvalid();
    const expected = this.sign(id, exp);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw PhotoErrors.linkInvalid();
    const [row] = await this.dataSource.query<PhotoRow[]>(`SELECT ${COLUMNS} FROM photo WHERE id = $1`, [id]);
    if (!row) throw PhotoErrors.notFound(id);
    const bytes = await this.storage.get(row.sha256);
    if (!bytes) throw PhotoErrors.notFound(id);
    return { contentType: row.contentType, bytes, sha256: row.sha256 };
  }

  private sign(id: string, expires: number): Buffer {
    return createHmac('sha256', this.secret).update(`${id}.${expires}`).digest();
  }

  /**
   * The path and query of a signed link to a photo that opens for at least `ttlSeconds`. The expiry
   * is rounded up to `roundSeconds`: one photo gets one URL per period, so clients can cache it.
   */
  signedPath(id: string, ttlSeconds: number, roundSeconds = 3600): string {
    const expires = Math.ceil((this.clock.now().getTime() / 1000 + ttlSeconds) / roundSeconds) * roundSeconds;
    return `/photos/${id}?expires=${expires}&signature=${this.sign(id, expires).toString('base64url')}`;
  }

  private view(row: PhotoRow): PhotoView {
    return {
      id: row.id,
      sha256: row.sha256,
      contentType: row.contentType,
      sizeBytes: row.sizeBytes,
      uploadedAt: row.uploadedAt,
      url: `${this.config.PUBLIC_BASE_URL ?? ''}${this.signedPath(row.id, this.config.PHOTO_URL_TTL_SECONDS)}`,
    };
  }
}
