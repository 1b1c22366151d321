import { badInput } from '@civgrid/errors';
import { assertGridRowInScope, assertRole, hasRole, Principal, Role } from '@civgrid/auth';

export const OFFICERS = [Role.ADMIN, Role.DISTRICT_OFFICER, Role.TOWN_OFFICER, Role.COMMUNITY_OFFICER];

/** Who registers and reads households and residents: the people who knock on the doors, and their officers. */
export const REGISTRY_USERS = [Role.GRID_MEMBER, ...OFFICERS];

/** Key-population tags (disabled, living alone, …): the grid member who looks after them and the community. */
export const TAG_READERS = [Role.ADMIN, Role.COMMUNITY_OFFICER, Role.GRID_MEMBER];

/** The phone, unmasked with a stated purpose: those who call residents. */
export const PHONE_READERS = [Role.ADMIN, Role.COMMUNITY_OFFICER, Role.TOWN_OFFICER, Role.GRID_MEMBER];

/** The national ID, unmasked with a stated purpose: officers who certify. Grid members never need it. */
export const NATIONAL_ID_READERS = [Role.ADMIN, Role.COMMUNITY_OFFICER, Role.TOWN_OFFICER, Role.DISTRICT_OFFICER];

/** Export of a registry to CSV. */
export const EXPORTERS = [Role.ADMIN, Role.COMMUNITY_OFFICER, Role.TOWN_OFFICER, Role.DISTRICT_OFFICER];

/** A grid member who is no officer works only in the grids they look after. */
export const onlyOwnGrids = (p: Principal): boolean => hasRole(p, Role.GRID_MEMBER) && !hasRole(p, ...OFFICERS);

/**
 * The read rule in SQL over a `grid_replica` alias: a registry user, under their areas, and a grid
 * member only in their grids. Parameters are appended to `params`.
 */
export function registryCondition(principal: Principal, alias: string, params: unknown[]): string {
  if (!hasRole(principal, ...REGISTRY_USERS)) return 'FALSE';
  if (hasRole(principal, Role.ADMIN)) return 'TRUE';
  params.push(principal.areas);
  const inAreas = `${alias}.path <@ $${params.length}::ltree[]`;
  if (!onlyOwnGrids(principal)) return inAreas;
  params.push(principal.grids);
  // Compared as text: a token's grid list is not ours to trust as uuids.
  return `(${inAreas} AND ${alias}.id::text = ANY($${params.length}::text[]))`;
}

/** Writing in a grid: the role, the area, and for a grid member their own grid. */
export function assertCanWrite(principal: Principal, grid: { id: string; path: string }, action: string): void {
  assertRole(principal, REGISTRY_USERS, action);
  assertGridRowInScope(principal, { gridId: grid.id, gridPath: grid.path });
}

export const purposeOf = (purpose: string | undefined): string | undefined => {
  if (purpose === undefined) return undefined;
  const trimmed = purpose.trim();
  if (trimmed.length < 3 || trimmed.length > 500)
    throw badInput('PII_PURPOSE_INVALID', 'State why you need the unmasked value (3–500 characters).');
  return trimmed;
};
