import { unauthenticated } from '@civgrid/errors';
import { ALL_ROLES, Principal, Role } from './roles';
import { isWithin, pathProblem } from './scope';

/** What a token's claims must satisfy besides its signature: they come from outside. */
export interface ClaimsPolicy {
  /** The districts this deployment serves (ltree paths, usually one 12-digit district code). */
  districtRoots: readonly string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

// A token is a header: these bounds are far above any real user and far below what would cost us.
const MAX_LIST = 500;
const MAX_TEXT = 200;

/** The demo district (泰安市岱岳区): the development default of `AUTH_DISTRICT_ROOT`. */
export const DEV_DISTRICT_ROOT = '370911000000';

/** What is wrong with a district root setting, or null. */
export function districtRootsProblem(roots: readonly string[]): string | null {
  if (roots.length === 0) return 'name at least one district (its ltree path)';
  for (const root of roots) {
    const problem = pathProblem(root);
    if (problem) return `"${root}" is not an ltree path: ${problem}`;
  }
  return null;
}

/** `AUTH_DISTRICT_ROOT` as a list: one district, or the several a city runs in one deployment. */
export const parseDistrictRoots = (value: string): string[] =>
  value
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r.length > 0);

const refuse = (why: string) =>
  unauthenticated('TOKEN_CLAIMS_INVALID', `The token's claims are not valid for CivGrid: ${why}. Sign in again.`);

function list(payload: Record<string, unknown>, claim: string): string[] {
  const value = payload[claim];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw refuse(`"${claim}" must be a list`);
  if (value.length > MAX_LIST) throw refuse(`"${claim}" holds more than ${MAX_LIST} entries`);
  for (const v of value) if (typeof v !== 'string') throw refuse(`"${claim}" must hold strings only`);
  return [...new Set(value as string[])];
}

function text(payload: Record<string, unknown>, claim: string): string | undefined {
  const value = payload[claim];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT) {
    throw refuse(`"${claim}" must be a text of 1–${MAX_TEXT} characters`);
  }
  return value;
}

// Printed in a refusal: never more than a short, harmless excerpt of what the caller sent.
const shown = (value: string): string => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);

/**
 * The principal of verified claims, or UNAUTHENTICATED saying which claim is wrong. Nothing is
 * dropped silently: an unknown role, an area outside the district or a grid that is not an id
 * refuses the whole token, since a caller who sends one is either misconfigured or probing.
 */
export function principalFromClaims(payload: Record<string, unknown>, policy: ClaimsPolicy): Principal {
  const userId = text(payload, 'sub');
  if (!userId) throw unauthenticated('TOKEN_INVALID', 'The token names no user.');
  const roles = list(payload, 'roles');
  for (const role of roles) {
    if (!(ALL_ROLES as readonly string[]).includes(role)) throw refuse(`the role ${shown(role)} is not one of ${ALL_ROLES.join(', ')}`);
  }
  const areas = list(payload, 'areas');
  for (const area of areas) {
    const problem = pathProblem(area);
    if (problem) throw refuse(`the area ${shown(area)} is not an area path (${problem})`);
    if (!policy.districtRoots.some((root) => isWithin(area, root))) throw refuse(`the area ${shown(area)} lies outside this district`);
  }
  const grids = list(payload, 'grids');
  for (const grid of grids) if (!isUuid(grid)) throw refuse(`the grid ${shown(grid)} is not a grid id`);
  const departmentId = text(payload, 'dept');
  if (departmentId !== undefined && !isUuid(departmentId)) throw refuse(`the department ${shown(departmentId)} is not a department id`);
  return {
    userId,
    name: text(payload, 'name'),
    roles: roles as Role[],
    areas,
    grids: grids.map((g) => g.toLowerCase()),
    departmentId: departmentId?.toLowerCase(),
  };
}
