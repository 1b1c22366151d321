import { z } from 'zod';
import { baseConfigSchema } from '@civgrid/service-kit';
import { CATEGORIES, NEVER_PUBLIC } from '../taxonomy/taxonomy';

const json = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((v, ctx) => {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

// The categories are the taxonomy's; which are never public too.
const category = z.enum(CATEGORIES);
const code = z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/, 'subcategory codes are SCREAMING_SNAKE');

export const serviceLevelOverride = z.object({
  acceptMinutes: z.number().int().min(1).optional(),
  resolveMinutes: z.number().int().min(1).optional(),
  autoEscalate: z.boolean().optional(),
});

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** S3-compatible photo storage: all of these, or none (local disk). */
export const S3_VARIABLES = [
  'PHOTO_S3_ENDPOINT',
  'PHOTO_S3_BUCKET',
  'PHOTO_S3_REGION',
  'PHOTO_S3_ACCESS_KEY_ID',
  'PHOTO_S3_SECRET_ACCESS_KEY',
  'PHOTO_S3_FORCE_PATH_STYLE',
] as const;

// safeExtend keeps the base schema's refinement (exactly one of AUTH_PUBLIC_KEY / AUTH_JWKS_URL).
export const configSchema = baseConfigSchema
  .safeExtend({
    /** Where photos are kept by SHA-256 (local disk, the default storage). */
    PHOTO_STORAGE_DIR: z.string().min(1).default('.local/photos'),
    /** Largest photo accepted, in bytes. */
    PHOTO_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(50 * 1024 * 1024)
      .default(8 * 1024 * 1024),
    /** S3-compatible storage (AWS S3, MinIO, Ceph, s3proxy, …) instead of local disk: set all six or none. */
    PHOTO_S3_ENDPOINT: z.string().url().optional(),
    PHOTO_S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name: 3–63 lower-case letters, digits, dots and hyphens')
      .optional(),
    PHOTO_S3_REGION: z.string().min(1).optional(),
    PHOTO_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    PHOTO_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    /** true for most self-hosted servers (bucket in the path); false for virtual-hosted buckets (AWS). */
    PHOTO_S3_FORCE_PATH_STYLE: flag.optional(),
    /** Signs photo view URLs; every instance needs the same one. Required in production; elsewhere each process makes its own. */
    PHOTO_URL_SECRET: z.string().min(32).optional(),
    PHOTO_URL_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .default(3600),
    /** How clients reach this service's HTTP endpoints (photo URLs); relative URLs without it. */
    PUBLIC_BASE_URL: z.string().url().optional(),
    /** Extra subcategories per category, e.g. {"PROPERTY_MANAGEMENT":["ELEVATOR"]}. */
    INCIDENT_SUBCATEGORIES: json(z.partialRecord(category, z.array(code))).optional(),
    /** Service levels per category overriding the defaults, e.g. {"INFRASTRUCTURE":{"acceptMinutes":60}}. */
    INCIDENT_SERVICE_LEVELS: json(z.partialRecord(category, serviceLevelOverride)).optional(),
    /** How often the overdue job looks for missed deadlines. */
    OVERDUE_CHECK_MS: z.coerce.number().int().min(1000).default(60_000),
    /** The jurisdiction_id Open311 clients send (optional in requests; refused when different). */
    OPEN311_JURISDICTION_ID: z.string().min(1).default('daiyue.taian.sd.cn'),
    /**
     * The categories the district makes public through Open311: offered as services, filed by client
     * applications and read by anyone. Care alerts never are (they name a resident to visit).
     */
    OPEN311_PUBLIC_CATEGORIES: z
      .string()
      .default('PUBLIC_SAFETY,ENVIRONMENT_SANITATION,INFRASTRUCTURE,PROPERTY_MANAGEMENT,OTHER')
      .transform((v) => [...new Set(v.split(',').map((c) => c.trim()))].filter((c) => c !== ''))
      .pipe(z.array(category.refine((c) => !NEVER_PUBLIC.includes(c), { message: `${NEVER_PUBLIC.join(', ')} is never public` })).min(1)),
    /** Decimal places of latitude and longitude in public reads (3 ≈ 110 m); a key may be granted the exact point. */
    OPEN311_PUBLISHED_PRECISION: z.coerce.number().int().min(0).max(6).default(3),
    /** A POST repeated with the same key and content within this many seconds returns the first request. */
    OPEN311_IDEMPOTENCY_WINDOW_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600)
      .default(3600),
    /** How long an Open311 media_url (a signed photo link) opens: citizen sites keep them longer than the app. */
    OPEN311_MEDIA_URL_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(3600)
      .max(30 * 24 * 3600)
      .default(7 * 24 * 3600),
    /** Discovery's contact and key_service texts. */
    OPEN311_CONTACT: z.string().min(1).default('The district grid-management office (网格化管理中心).'),
    OPEN311_KEY_SERVICE: z.string().min(1).default('API keys for client applications are issued by the district CivGrid administrators.'),
  })
  .superRefine((c, ctx) => {
    const set = S3_VARIABLES.filter((k) => c[k] !== undefined);
    if (set.length > 0 && set.length < S3_VARIABLES.length) {
      for (const k of S3_VARIABLES.filter((v) => c[v] === undefined)) {
        ctx.addIssue({ code: 'custom', path: [k], message: `S3 photo storage needs all of ${S3_VARIABLES.join(', ')} (or none)` });
      }
    }
    // Links signed by one process must open on every other: a random per-process key would break them.
    if (c.NODE_ENV === 'production' && c.PHOTO_URL_SECRET === undefined) {
      ctx.addIssue({ code: 'custom', path: ['PHOTO_URL_SECRET'], message: 'required in production (the same on every instance)' });
    }
  });

export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

/** The S3 settings when photo storage is S3 (the schema makes sure it is all or none). */
export function s3SettingsOf(c: IncidentReportingConfig): S3Settings | undefined {
  if (c.PHOTO_S3_ENDPOINT === undefined) return undefined;
  return {
    endpoint: c.PHOTO_S3_ENDPOINT,
    bucket: c.PHOTO_S3_BUCKET!,
    region: c.PHOTO_S3_REGION!,
    accessKeyId: c.PHOTO_S3_ACCESS_KEY_ID!,
    secretAccessKey: c.PHOTO_S3_SECRET_ACCESS_KEY!,
    forcePathStyle: c.PHOTO_S3_FORCE_PATH_STYLE!,
  };
}
export type IncidentReportingConfig = z.infer<typeof configSchema>;
