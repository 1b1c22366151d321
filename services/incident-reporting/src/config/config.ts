import { z } from 'zod';
import { baseConfigSchema } from '@civgrid/service-kit';

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

const category = z.enum([
  'PUBLIC_SAFETY',
  'ENVIRONMENT_SANITATION',
  'INFRASTRUCTURE',
  'PROPERTY_MANAGEMENT',
  'DISPUTE',
  'SOCIAL_ASSISTANCE',
  'CARE_ALERT',
  'OTHER',
]);
const code = z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/, 'subcategory codes are SCREAMING_SNAKE');

export const serviceLevelOverride = z.object({
  acceptMinutes: z.number().int().min(1).optional(),
  resolveMinutes: z.number().int().min(1).optional(),
  autoEscalate: z.boolean().optional(),
});

// safeExtend keeps the base schema's refinement (exactly one of AUTH_PUBLIC_KEY / AUTH_JWKS_URL).
export const configSchema = baseConfigSchema.safeExtend({
  /** Where photos are kept by SHA-256 (local disk, the default storage). */
  PHOTO_STORAGE_DIR: z.string().min(1).default('.local/photos'),
  /** Largest photo accepted, in bytes. */
  PHOTO_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(8 * 1024 * 1024),
  /** Signs photo view URLs; every instance needs the same one. Without it each process makes its own (one instance only). */
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
});
export type IncidentReportingConfig = z.infer<typeof configSchema>;
