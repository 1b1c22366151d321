import { forbidden } from '@civgrid/errors';
import { hasRole, Principal, Role } from './roles';

const LTREE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export const isLtreePath = (path: string): boolean => LTREE.test(path) && path.length <= 2048;

/** `path <@ scope` in ltree terms: the same node or one below it, label by label. */
export const isWithin = (path: string, scope: string): boolean =>
  path === scope || path.startsWith(`${scope}.`);

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
