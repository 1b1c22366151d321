import { z } from 'zod';
import { piiConfigShape } from '@civgrid/pii';
import { baseConfigSchema } from '@civgrid/service-kit';

// safeExtend keeps the base schema's refinement (see grid-organisation's config).
export const configSchema = baseConfigSchema.safeExtend({
  ...piiConfigShape,
  /** How often the wellbeing-check job looks for missed checks. */
  WELLBEING_CHECK_JOB_MS: z.coerce.number().int().min(1000).default(60_000),
});
export type PopulationRegistryConfig = z.infer<typeof configSchema>;
