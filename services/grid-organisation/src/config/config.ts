import { z } from 'zod';
import { piiConfigShape } from '@civgrid/pii';
import { baseConfigSchema } from '@civgrid/service-kit';

// safeExtend keeps the base schema's refinement (exactly one of AUTH_PUBLIC_KEY / AUTH_JWKS_URL);
// a plain `.extend` of a refined object would throw.
export const configSchema = baseConfigSchema.safeExtend({
  ...piiConfigShape,
  /** A grid with more households than this is "too large" (the usual rule is 300–500 per grid). */
  GRID_HEALTH_MAX_HOUSEHOLDS: z.coerce.number().int().min(1).default(500),
  /** A member holding active assignments on more grids than this carries too many. */
  GRID_HEALTH_MAX_GRIDS_PER_MEMBER: z.coerce.number().int().min(1).default(3),
  /** A member whose grids hold more households than this together carries too many. */
  GRID_HEALTH_MAX_HOUSEHOLDS_PER_MEMBER: z.coerce.number().int().min(1).default(800),
});
export type GridOrganisationConfig = z.infer<typeof configSchema>;
