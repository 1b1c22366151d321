import { AccessRule, Principal, reachCondition } from '@civgrid/auth';
import { badInput } from '@civgrid/errors';

/** A rule of the access table over a `grid_replica` alias (the grid of the row). Parameters are appended. */
export const gridReach = (principal: Principal, rule: AccessRule, alias: string, params: unknown[]): string =>
  reachCondition(principal, rule, { path: `${alias}.path`, gridId: `${alias}.id` }, params);

export const purposeOf = (purpose: string | undefined): string | undefined => {
  if (purpose === undefined) return undefined;
  const trimmed = purpose.trim();
  if (trimmed.length < 3 || trimmed.length > 500)
    throw badInput('PII_PURPOSE_INVALID', 'State why you need the unmasked value (3–500 characters).');
  return trimmed;
};
