import { forbidden } from '@civgrid/errors';
import { hasRole, Principal, Role } from './roles';

// ltree refuses a label over 1,000 characters (and any character outside these); our own codes are
// far shorter, but a path a client sends is refused before PostgreSQL sees it.
const LABEL = /^[A-Za-z0-9_-]+$/;
const MAX_LABEL = 1000;
const MAX_PATH = 2048;

/** What is wrong with an area or grid path, or null when ltree will take it. */
export function pathProblem(path: string): string | null {
  if (path.length === 0) return 'it is empty';
  if (path.length > MAX_PATH) return `it is longer than ${MAX_PATH} characters`;
  for (const label of path.split('.')) {
    if (label.length === 0) return 'it has an empty label (two dots, or a dot at an end)';
    if (label.length > MAX_LABEL) return `a label is longer than ${MAX_LABEL} characters`;
    if (!LABEL.test(label)) return 'labels are letters, digits, dashes and underscores, separated by dots';
  }
  return null;
}

export const isLtreePath = (path: string): boolean => pathProblem(path) === null;

/** `path <@ scope` in ltree terms: the same node or one below it, label by label. */
export const isWithin = (path: string, scope: string): boolean => path === scope || path.startsWith(`${scope}.`);

/** Admins and district officers of the whole tree see everything; others what lies under their areas. */
export const isInScope = (principal: Principal, path: string): boolean =>
  hasRole(principal, Role.ADMIN) || principal.areas.some((scope) => isWithin(path, scope));

export function assertInScope(principal: Principal, path: string, what = 'this record'): void {
  if (!isInScope(principal, path)) {
    throw forbidden('OUT_OF_SCOPE', `You may not access ${what}: it lies outside your areas.`);
  }
}

export function assertRole(principal: Principal, roles: readonly Role[], action: string): void {
  if (!hasRole(principal, ...roles)) {
    throw forbidden('ROLE_REQUIRED', `To ${action} you need one of the roles ${roles.join(', ')}.`);
  }
}

/**
 * The SQL condition that keeps rows under the principal's areas, for a column of type ltree.
 * Returns `null` when no restriction applies (admin). Parameters are appended to `params`.
 */
export function scopeCondition(principal: Principal, column: string, params: unknown[]): string | null {
  if (hasRole(principal, Role.ADMIN)) return null;
  params.push(principal.areas);
  return `${column} <@ $${params.length}::ltree[]`;
}

/** Roles whose scope is their areas, whatever else they hold. */
const AREA_WIDE_ROLES = [
  Role.ADMIN,
  Role.DISTRICT_OFFICER,
  Role.TOWN_OFFICER,
  Role.COMMUNITY_OFFICER,
  Role.ANALYST,
  Role.MEDIATOR,
  Role.DEPARTMENT_OFFICER,
];

/** A grid member who holds no wider role sees only the grids they look after. */
export const isLimitedToOwnGrids = (principal: Principal): boolean =>
  hasRole(principal, Role.GRID_MEMBER) && !hasRole(principal, ...AREA_WIDE_ROLES);

/** May the principal see a row that belongs to a grid (by the grid's id and path)? */
export const canSeeGridRow = (principal: Principal, row: { gridId: string; gridPath: string }): boolean =>
  isInScope(principal, row.gridPath) && (!isLimitedToOwnGrids(principal) || principal.grids.includes(row.gridId));

export function assertGridRowInScope(principal: Principal, row: { gridId: string; gridPath: string }, what = 'this grid'): void {
  assertInScope(principal, row.gridPath, what);
  if (isLimitedToOwnGrids(principal) && !principal.grids.includes(row.gridId)) {
    throw forbidden('NOT_YOUR_GRID', `You may only act in the grids you look after, and ${what} is not one of them.`);
  }
}

/**
 * The SQL condition for rows tied to a grid: under the principal's areas and, for a grid member,
 * in their own grids. 'TRUE' for an admin. Parameters are appended to `params`.
 */
export function gridRowCondition(principal: Principal, pathColumn: string, gridIdColumn: string, params: unknown[]): string {
  if (hasRole(principal, Role.ADMIN)) return 'TRUE';
  params.push(principal.areas);
  const inAreas = `${pathColumn} <@ $${params.length}::ltree[]`;
  if (!isLimitedToOwnGrids(principal)) return inAreas;
  params.push(principal.grids);
  return `(${inAreas} AND ${gridIdColumn} = ANY($${params.length}::uuid[]))`;
}
