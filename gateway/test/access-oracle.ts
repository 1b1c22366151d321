import { ACCESS_TABLE, ALL_ROLES, FieldLevel, Reach, Role } from '@civgrid/auth';
import { Position } from './access-world';

/**
 * What the access table says a principal of a given claim shape gets, worked out here from the
 * table's data alone (not from libs/auth's functions, which are what is under test).
 */
export interface Shape {
  roles: Role[] | 'unknown';
  areas: 'village' | 'town' | 'district' | 'none' | 'foreign' | 'malformed';
  grids: 'own' | 'none' | 'stranger';
  dept: 'D1' | 'D2' | 'none';
  /** The token's subject is the own grid's member (their GridMember.userId). */
  self: boolean;
}

export type Outcome = 'allowed' | 'refused' | 'unauthenticated';
export type Shown = 'plain' | 'masked' | 'null';

type Table = typeof ACCESS_TABLE;
export type RuleId = { [R in keyof Table]: `${R & string}.${keyof Table[R]['actions'] & string}` }[keyof Table];
export type FieldId = {
  [R in keyof Table]: Table[R] extends { fields: infer F } ? `${R & string}.${keyof F & string}` : never;
}[keyof Table];

/** What a row is, for the reaches: its place, its grid, the department it concerns, whose record it is. */
export interface Row {
  position: Position;
  /** The row belongs to the position's grid (not only to its village). */
  inGrid: boolean;
  concerns?: 'D1' | 'D2';
  ownRecord?: boolean;
}

export const claimsRefused = (s: Shape): boolean => s.roles === 'unknown' || s.areas === 'foreign' || s.areas === 'malformed';
const roles = (s: Shape): Role[] => (s.roles === 'unknown' ? [] : s.roles);

const covered: Record<Shape['areas'], readonly Position[]> = {
  village: ['own', 'sibling'],
  town: ['own', 'sibling', 'parentArea'],
  district: ['own', 'sibling', 'parentArea', 'otherTown'],
  none: [],
  foreign: [],
  malformed: [],
};

function cells(ruleId: RuleId, s: Shape): Set<Reach> {
  const [resource, action] = ruleId.split('.') as [keyof Table, string];
  const spec = (ACCESS_TABLE[resource].actions as Record<string, { roles: Partial<Record<Role, Reach | readonly Reach[]>> }>)[action];
  const out = new Set<Reach>();
  for (const role of roles(s)) {
    const cell = spec.roles[role];
    for (const r of cell === undefined ? [] : typeof cell === 'string' ? [cell] : cell) out.add(r);
  }
  return out;
}

/** Whether the principal holds a role the rule names at all (refused before any row otherwise). */
export const gate = (ruleId: RuleId, s: Shape): boolean => cells(ruleId, s).size > 0;

/** Whether the rule lets the principal reach the row. */
export function reaches(ruleId: RuleId, s: Shape, row: Row): boolean {
  if (claimsRefused(s)) return false;
  const under = covered[s.areas].includes(row.position);
  for (const reach of cells(ruleId, s)) {
    if (reach === 'all') return true;
    if (reach === 'areas' && under) return true;
    if (reach === 'grids' && under && row.inGrid && s.grids === 'own' && row.position === 'own') return true;
    if (reach === 'department' && row.concerns !== undefined && s.dept === row.concerns) return true;
    if (reach === 'own' && row.ownRecord === true && s.self) return true;
  }
  return false;
}

/** A question about what lies under the position's village (a report, an export). */
export function mayAsk(ruleId: RuleId, s: Shape, position: Position): boolean {
  if (claimsRefused(s)) return false;
  const set = cells(ruleId, s);
  if (set.has('all')) return true;
  const hasPlace = set.has('areas') || (set.has('grids') && s.grids !== 'none');
  return hasPlace && covered[s.areas].includes(position);
}

const ORDER: FieldLevel[] = ['hidden', 'masked', 'purpose', 'plain'];

export function level(fieldId: FieldId, s: Shape): FieldLevel {
  const [resource, group] = fieldId.split('.') as [keyof Table, string];
  const spec = (ACCESS_TABLE[resource] as { fields?: Record<string, { levels: Partial<Record<Role, FieldLevel>> }> }).fields![group];
  let best = 0;
  for (const role of roles(s)) best = Math.max(best, ORDER.indexOf(spec.levels[role] ?? 'hidden'));
  return ORDER[best];
}

/** What a field shows: `withPurpose` is whether the query states one. */
export function shown(fieldId: FieldId, s: Shape, withPurpose: boolean, unmaskedAnyway = false): Shown {
  const l = level(fieldId, s);
  if (l === 'hidden') return 'null';
  if (l === 'plain') return 'plain';
  if (l === 'purpose' && withPurpose) return 'plain';
  return unmaskedAnyway && withPurpose ? 'plain' : 'masked';
}

export const everyRuleId = (): string[] =>
  Object.entries(ACCESS_TABLE).flatMap(([resource, spec]) => Object.keys(spec.actions).map((a) => `${resource}.${a}`));
export const everyFieldId = (): string[] =>
  Object.entries(ACCESS_TABLE).flatMap(([resource, spec]) =>
    Object.keys('fields' in spec ? spec.fields : {}).map((f) => `${resource}.${f}`),
  );

export { ALL_ROLES };
