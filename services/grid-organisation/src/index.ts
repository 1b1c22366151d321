export { gridOrganisation } from './definition';
export { seedDistrict } from './seed/seed';
export type { SeedResult } from './seed/seed';
export { planDistrict, SIZES } from './seed/district-plan';
export type { SeedSize } from './seed/district-plan';
