import { JsonSchema } from '@civgrid/events';

// Backward compatibility of an event's JSON Schema for its readers: a reader on the new schema must
// accept every event written under the published one (Kafka keeps old events; consumers replay
// them). So nothing the old schema allowed may be refused: no removed or renamed property, no
// narrowed type, enum or bound, no new required property. Widening and new optional properties pass.

type Schema = JsonSchema & {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  pattern?: string;
  format?: string;
};

/** A value with its object keys in order, for comparisons and hashes that ignore key order. */
export const sorted = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sorted)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value as Record<string, unknown>)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, sorted(v)]),
        )
      : value;

const json = (v: unknown) => JSON.stringify(v);
const typesOf = (s: Schema): Set<string> | undefined => {
  if (s.type === undefined) return undefined;
  const list = Array.isArray(s.type) ? s.type : [s.type];
  return new Set(list);
};
const valuesOf = (s: Schema): unknown[] | undefined => (s.const !== undefined ? [s.const] : s.enum);
const branches = (s: Schema): Schema[] | undefined => s.anyOf ?? s.oneOf;

// Lower bounds may not rise, upper bounds may not fall.
const LOWER = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties'] as const;
const UPPER = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties'] as const;

/** Every way the new schema refuses what the old one accepted, each with its path. */
export function incompatibilities(oldSchema: JsonSchema, newSchema: JsonSchema, path = ''): string[] {
  const o = oldSchema as Schema;
  const n = newSchema as Schema;
  const at = path || '(root)';
  const problems: string[] = [];

  const oldBranches = branches(o);
  const newBranches = branches(n);
  if (oldBranches || newBranches) {
    // Every old alternative must still be accepted by one of the new ones.
    for (const [i, ob] of (oldBranches ?? [o]).entries()) {
      const candidates = newBranches ?? [n];
      const fits = candidates.some((nb) => incompatibilities(ob, nb, path).length === 0);
      if (!fits) problems.push(`${at}: narrowed type (${oldBranches ? `alternative ${i + 1} ` : ''}${json(ob)} is no longer accepted)`);
    }
    return problems;
  }

  const oldTypes = typesOf(o);
  const newTypes = typesOf(n);
  if (newTypes) {
    const accepted = (t: string) => newTypes.has(t) || (t === 'integer' && newTypes.has('number'));
    const oldList = oldTypes ? [...oldTypes] : undefined;
    if (!oldList) problems.push(`${at}: narrowed type (any value before, now ${[...newTypes].join(' or ')})`);
    else for (const t of oldList.filter((t) => !accepted(t))) problems.push(`${at}: narrowed type (${t} no longer accepted)`);
  }

  const newValues = valuesOf(n);
  if (newValues) {
    const oldValues = valuesOf(o);
    if (!oldValues) problems.push(`${at}: narrowed to the values ${json(newValues)}`);
    else
      for (const v of oldValues.filter((v) => !newValues.some((nv) => json(nv) === json(v))))
        problems.push(`${at}: narrowed enum (${json(v)} removed)`);
  }

  for (const key of LOWER) {
    const nv = n[key] as number | undefined;
    const ov = o[key] as number | undefined;
    if (nv !== undefined && (ov === undefined || nv > ov)) problems.push(`${at}: narrowed ${key} (${ov ?? 'none'} → ${nv})`);
  }
  for (const key of UPPER) {
    const nv = n[key] as number | undefined;
    const ov = o[key] as number | undefined;
    if (nv !== undefined && (ov === undefined || nv < ov)) problems.push(`${at}: narrowed ${key} (${ov ?? 'none'} → ${nv})`);
  }
  for (const key of ['pattern', 'format'] as const) {
    if (n[key] !== undefined && n[key] !== o[key]) problems.push(`${at}: changed ${key} (${json(o[key] ?? null)} → ${json(n[key])})`);
  }

  const oldProps = o.properties ?? {};
  const newProps = n.properties ?? {};
  for (const [name, schema] of Object.entries(oldProps)) {
    const p = path ? `${path}.${name}` : name;
    if (!(name in newProps)) problems.push(`${p}: property removed or renamed`);
    else problems.push(...incompatibilities(schema, newProps[name], p));
  }
  const oldRequired = new Set(o.required ?? []);
  for (const name of n.required ?? []) {
    if (oldRequired.has(name)) continue;
    const p = path ? `${path}.${name}` : name;
    problems.push(name in oldProps ? `${p}: property made required` : `${p}: new required property`);
  }
  if (n.additionalProperties === false && o.additionalProperties !== false && (o.type === 'object' || o.properties)) {
    problems.push(`${at}: closed to properties it did not list`);
  }
  if (o.items && n.items) problems.push(...incompatibilities(o.items, n.items, `${path}[]`));
  else if (n.items && !o.items && (oldTypes?.has('array') ?? false)) problems.push(`${at}[]: items narrowed`);
  return problems;
}

/** `civgrid.grid.grid-created.v1` → `civgrid.grid.grid-created`, 1. */
export function eventVersion(type: string): { base: string; version: number } {
  const m = /^(.*)\.v(\d+)$/.exec(type);
  return m ? { base: m[1], version: Number(m[2]) } : { base: type, version: 1 };
}

/** The types a later version supersedes: still published for the transition, marked deprecated. */
export function supersededBy(types: Iterable<string>): Map<string, string> {
  const latest = new Map<string, { type: string; version: number }>();
  const all = [...types];
  for (const t of all) {
    const { base, version } = eventVersion(t);
    const best = latest.get(base);
    if (!best || version > best.version) latest.set(base, { type: t, version });
  }
  const result = new Map<string, string>();
  for (const t of all) {
    const newest = latest.get(eventVersion(t).base)!;
    if (newest.type !== t) result.set(t, newest.type);
  }
  return result;
}

export interface ContractChange {
  type: string;
  problems: string[];
}

export interface CatalogueCheck {
  ok: boolean;
  breaking: ContractChange[];
  added: string[];
  /** Types removed after a published version had deprecated them. */
  retired: string[];
  changed: string[];
}

/** Compares the current catalogue with the published one. */
export function checkCatalogue(published: Record<string, JsonSchema>, current: Record<string, JsonSchema>): CatalogueCheck {
  const deprecated = supersededBy(Object.keys(published));
  const breaking: ContractChange[] = [];
  const retired: string[] = [];
  const changed: string[] = [];
  for (const [type, schema] of Object.entries(published)) {
    const next = current[type];
    if (!next) {
      if (deprecated.has(type)) retired.push(type);
      else {
        const successor = supersededBy([...Object.keys(current), type]).get(type);
        breaking.push({
          type,
          problems: [
            successor
              ? `removed before a publication marked it deprecated beside ${successor}: publish both first, remove ${type} after the transition`
              : 'event type removed: readers of it would get nothing; publish a new version beside it instead',
          ],
        });
      }
      continue;
    }
    const problems = incompatibilities(schema, next);
    if (problems.length > 0) breaking.push({ type, problems });
    else if (json(sorted(schema)) !== json(sorted(next))) changed.push(type);
  }
  const added = Object.keys(current).filter((t) => !(t in published));
  return { ok: breaking.length === 0, breaking, added: added.sort(), retired, changed };
}

export function formatCatalogueCheck(check: CatalogueCheck): string {
  const lines: string[] = [];
  if (check.breaking.length > 0) {
    lines.push('breaking changes for readers (refused: publish a new version, e.g. .v2, beside the old one):');
    for (const b of check.breaking) for (const p of b.problems) lines.push(`  - ${b.type}: ${p}`);
  }
  for (const t of check.added) lines.push(`  + ${t}: new event type`);
  for (const t of check.changed) lines.push(`  ~ ${t}: compatible change`);
  for (const t of check.retired) lines.push(`  - ${t}: retired after its deprecation`);
  lines.push(
    check.ok
      ? 'event catalogue: compatible with the published one'
      : `event catalogue: ${check.breaking.length} event type(s) with breaking changes`,
  );
  return `${lines.join('\n')}\n`;
}
