import { z } from 'zod';
import { piiConfigShape } from '@civgrid/pii';
import { baseConfigSchema } from '@civgrid/service-kit';

// safeExtend keeps the base schema's refinement (see grid-organisation's config).
export const configSchema = baseConfigSchema.safeExtend({
  ...piiConfigShape,
  /** How often the wellbeing-check job looks for missed checks. */
  WELLBEING_CHECK_JOB_MS: z.coerce.number().int().min(1000).default(60_000),
  /** The largest ledger `POST /ledger-imports` takes (bytes of CSV); 500 MiB holds a district of a few million residents. */
  LEDGER_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(500 * 1024 * 1024),
  /**
   * Signs residents' own check-in tokens (HMAC-SHA-256; at least 32 random bytes, base64). When unset,
   * a key is derived from PII_HASH_KEY for this purpose alone (HKDF), so tokens survive restarts.
   */
  CHECK_IN_TOKEN_KEY: z
    .string()
    .refine(
      (v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length >= 32,
      'must be at least 32 random bytes, base64-encoded',
    )
    .optional(),
});
export type PopulationRegistryConfig = z.infer<typeof configSchema>;
