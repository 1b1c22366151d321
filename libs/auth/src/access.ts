import { forbidden } from '@civgrid/errors';
import { ACCESS_TABLE, ActionSpec, FieldLevel, FieldSpec, Reach, ResourceName, ResourceSpec, RoleReach } from './access-table';
import { ALL_ROLES, Principal, Role } from './roles';
import { isWithin } from './scope';

/** One action of the table, as resolvers declare it and services apply it. */
export interface AccessRule {
  readonly kind: 'action';
  /** `resource.action`, e.g. `incident.read`. */
  readonly id: string;
  readonly resource: ResourceName;
  readonly what: string;
  readonly roles: RoleReach;
  readonly above: boolean;
}

/** One group of fields of the table and what each role sees of them. */
export interface FieldRule {
  readonly kind: 'field';
  /** `resource.group`, e.g. `incident.words`. */
  readonly id: string;
  readonly resource: ResourceName;
  readonly fields: readonly string[];
  readonly levels: Partial<Record<Role, FieldLevel>>;
}

type Table = typeof ACCESS_TABLE;
type ActionsOf<R extends ResourceName> = Table[R]['actions'];
type FieldsOf<R extends ResourceName> = Table[R] extends { fields: infer F } ? F : never;
type WithFields = { [R in ResourceName]: Table[R] extends { fields: object } ? R : never }[ResourceName];

export type Rules = { readonly [R in ResourceName]: { readonly [A in keyof ActionsOf<R>]: AccessRule } };
export type Fields = { readonly [R in WithFields]: { readonly [F in keyof FieldsOf<R>]: FieldRule } };

function compile(): { rules: Rules; fields: Fields } {
  const rules: Record<string, Record<string, AccessRule>> = {};
  const fields: Record<string, Record<string, FieldRule>> = {};
  for (const [name, spec] of Object.entries<ResourceSpec>(ACCESS_TABLE)) {
    const resource = name as ResourceName;
    rules[resource] = Object.fromEntries(
      Object.entries<ActionSpec>(spec.actions).map(([action, a]) => [
        action,
        { kind: 'action', id: `${resource}.${action}`, resource, what: a.what, roles: a.roles, above: a.above === true },
      ]),
    );
    if (spec.fields) {
      fields[resource] = Object.fromEntries(
        Object.entries<FieldSpec>(spec.fields).map(([group, f]) => [
          group,
          { kind: 'field', id: `${resource}.${group}`, resource, fields: f.fields, levels: f.levels },
        ]),
      );
    }
  }
  return { rules: rules as unknown as Rules, fields: fields as unknown as Fields };
}

const compiled = compile();
/** Every action of the table: `@Access(RULES.incident.read)`, `reachCondition(p, RULES.incident.read, …)`. */
export const RULES: Rules = compiled.rules;
/** Every field group of the table: `@AccessField(FIELDS.incident.words, …)`, `fieldLevel(p, FIELDS.registry.phone)`. */
export const FIELDS: Fields = compiled.fields;

export const allRules = (): AccessRule[] => Object.values<Record<string, AccessRule>>(RULES).flatMap((actions) => Object.values(actions));
export const allFieldRules = (): FieldRule[] => Object.values<Record<string, FieldRule>>(FIELDS).flatMap((groups) => Object.values(groups));

const asList = (cell: Reach | readonly Reach[] | undefined): readonly Reach[] =>
  cell === undefined ? [] : typeof cell === 'string' ? [cell] : cell;

/** The reaches of one role (no claims considered). */
export const reachOfRole = (rule: AccessRule, role: Role): readonly Reach[] => asList(rule.roles[role]);

/** The roles that may use a rule at all. */
export const rolesOf = (rule: AccessRule): Role[] => ALL_ROLES.filter((r) => reachOfRole(rule, r).length > 0);

/**
 * What the principal reaches with a rule: the union over its roles, less what its claims cannot
 * use (no areas, no grids, no department). Empty: the principal may not use the rule.
 */
export function reachesOf(principal: Principal, rule: AccessRule): ReadonlySet<Reach> {
  const out = new Set<Reach>();
  for (const role of principal.roles) for (const reach of reachOfRole(rule, role)) out.add(reach);
  if (out.has('all')) return new Set(['all']);
  if (principal.areas.length === 0) {
    out.delete('areas');
    out.delete('grids');
  }
  if (principal.grids.length === 0) out.delete('grids');
  if (!principal.departmentId) out.delete('department');
  return out;
}

/** Whether the principal holds a role that the rule names (the gate before any row is read). */
export const mayUse = (principal: Principal, rule: AccessRule): boolean =>
  principal.roles.some((role) => reachOfRole(rule, role).length > 0);

export function assertMayUse(principal: Principal, rule: AccessRule): void {
  if (!mayUse(principal, rule)) {
    throw forbidden('ROLE_REQUIRED', `To ${rule.what} you need one of the roles ${rolesOf(rule).join(', ')}.`, { rule: rule.id });
  }
}

/** What is known of a row, for the rule in memory. */
export interface RowFacts {
  /** ltree path of the row's place (its grid's path, or its area's). */
  path?: string | null;
  gridId?: string | null;
  /** Departments the row concerns. */
  departmentIds?: readonly string[];
  /** User accounts whose own record the row is. */
  ownerUserIds?: readonly (string | null)[];
}

const underAreas = (principal: Principal, path: string, above: boolean): boolean =>
  principal.areas.some((area) => isWithin(path, area) || (above && isWithin(area, path)));

/** May the principal reach this row with this rule? The same rule as `reachCondition`, in memory. */
export function canReach(principal: Principal, rule: AccessRule, row: RowFacts): boolean {
  for (const reach of reachesOf(principal, rule)) {
    switch (reach) {
      case 'all':
        return true;
      case 'areas':
        if (row.path && underAreas(principal, row.path, rule.above)) return true;
        break;
      case 'grids':
        if (row.path && row.gridId && underAreas(principal, row.path, false) && principal.grids.includes(row.gridId.toLowerCase()))
          return true;
        break;
      case 'department':
        if (row.departmentIds?.some((d) => d.toLowerCase() === principal.departmentId)) return true;
        break;
      case 'own':
        if (row.ownerUserIds?.some((u) => u !== null && u === principal.userId)) return true;
        break;
    }
  }
  return false;
}

/**
 * The row, when it exists and the principal reaches it; otherwise `notFound()` is thrown: a row out
 * of reach does not exist for the caller (the same answer as for an id that names nothing).
 */
export function inReach<T>(
  principal: Principal,
  rule: AccessRule,
  row: T | null | undefined,
  facts: (row: T) => RowFacts,
  notFound: () => Error,
): T {
  if (row === null || row === undefined || !canReach(principal, rule, facts(row))) throw notFound();
  return row;
}

/**
 * May the principal ask about what lies under an area (a report, a list `underPath`)? Answers are
 * still filtered row by row; this refuses a question about an area the caller has no part in.
 */
export function canAskAbout(principal: Principal, rule: AccessRule, areaPath: string): boolean {
  const reaches = reachesOf(principal, rule);
  if (reaches.has('all')) return true;
  return (reaches.has('areas') || reaches.has('grids')) && underAreas(principal, areaPath, false);
}

export function assertCanAskAbout(principal: Principal, rule: AccessRule, areaPath: string): void {
  if (!canAskAbout(principal, rule, areaPath)) {
    throw forbidden('OUT_OF_SCOPE', `You may not ${rule.what} for ${areaPath}: it lies outside your areas.`, { rule: rule.id });
  }
}

/** How a query names what a rule looks at. Each SQL fragment gets the placeholder of its parameter. */
export interface ReachSql {
  /** ltree column (or expression) of the row's place. */
  path?: string;
  /** uuid column of the row's grid: with `path`, the `grids` reach. */
  gridId?: string;
  /** Overrides `grids` for rows tied to grids another way (a member's assignments). */
  grids?: (gridsParam: string, areasParam: string) => string;
  /** True when the row concerns the department in the parameter. */
  department?: (departmentParam: string) => string;
  /** True when the row is the caller's own record (the user id in the parameter). */
  own?: (userParam: string) => string;
}

function needs(rule: AccessRule, reach: Reach, what: string): never {
  // A resolver that applies a rule without saying how its rows are placed: a defect, not a refusal.
  throw new Error(`access rule ${rule.id}: the query gives no ${what} for the "${reach}" reach`);
}

/**
 * The rule as an SQL condition over a query's rows ('FALSE' when the principal reaches nothing).
 * Parameters are appended to `params`.
 */
export function reachCondition(principal: Principal, rule: AccessRule, sql: ReachSql, params: unknown[]): string {
  const next = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const terms: string[] = [];
  let areasParam: string | undefined;
  const areas = (): string => (areasParam ??= `${next(principal.areas)}::ltree[]`);
  for (const reach of reachesOf(principal, rule)) {
    switch (reach) {
      case 'all':
        return 'TRUE';
      case 'areas': {
        if (!sql.path) needs(rule, reach, 'path');
        terms.push(rule.above ? `(${sql.path} <@ ${areas()} OR ${sql.path} @> ${areas()})` : `${sql.path} <@ ${areas()}`);
        break;
      }
      case 'grids': {
        if (sql.grids) {
          terms.push(sql.grids(`${next(principal.grids)}::uuid[]`, areas()));
          break;
        }
        if (!sql.path || !sql.gridId) needs(rule, reach, 'path and grid id');
        terms.push(`(${sql.path} <@ ${areas()} AND ${sql.gridId} = ANY(${next(principal.grids)}::uuid[]))`);
        break;
      }
      case 'department':
        if (!sql.department) needs(rule, reach, 'department condition');
        terms.push(sql.department(`${next(principal.departmentId)}::uuid`));
        break;
      case 'own':
        if (!sql.own) needs(rule, reach, 'owner condition');
        terms.push(sql.own(next(principal.userId)));
        break;
    }
  }
  if (terms.length === 0) return 'FALSE';
  return terms.length === 1 ? terms[0] : `(${terms.join(' OR ')})`;
}

const LEVEL_ORDER: readonly FieldLevel[] = ['hidden', 'masked', 'purpose', 'plain'];

/** The most a principal sees of a field, over its roles ('hidden' for a role the table does not name). */
export function fieldLevel(principal: Principal, rule: FieldRule): FieldLevel {
  let best = 0;
  for (const role of principal.roles) best = Math.max(best, LEVEL_ORDER.indexOf(rule.levels[role] ?? 'hidden'));
  return LEVEL_ORDER[best];
}

/** `purpose` or better: the value, once a purpose is stated. */
export const mayUnmask = (principal: Principal, rule: FieldRule): boolean => {
  const level = fieldLevel(principal, rule);
  return level === 'purpose' || level === 'plain';
};
