import { Change, CriticalityLevel, diff, Rule } from '@graphql-inspector/core';
import {
  getNamedType,
  GraphQLArgument,
  GraphQLField,
  GraphQLInputField,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
} from 'graphql';
import { PublishedArtefact } from './artefact';
import { apiSchema, compose, SubgraphSdl } from './compose';

export type ChangeLevel = 'BREAKING' | 'DANGEROUS' | 'SAFE';

export interface SchemaChange {
  level: ChangeLevel;
  type: string;
  path?: string;
  message: string;
}

export interface CheckResult {
  service: string;
  /** True when nothing would break a client: the candidate may be published. */
  ok: boolean;
  /** What composition refused, if it did. */
  compositionErrors: string[];
  breaking: SchemaChange[];
  /** Dangerous changes and removals of what a published version had deprecated: allowed, listed. */
  dangerous: SchemaChange[];
  safe: SchemaChange[];
  /** The supergraph the candidate composes to (when it composes). */
  supergraph?: string;
  /** The subgraphs that composed, the candidate in place of its published SDL. */
  subgraphs: SubgraphSdl[];
}

const deprecated = (element: { deprecationReason?: string | null } | undefined): boolean =>
  element?.deprecationReason !== undefined && element.deprecationReason !== null;

const DEPRECATED_NOTE = ' (deprecated in the published version, so its removal is allowed)';

/** Every place of the schema that names `typeName`, and whether that place was deprecated. */
function referencesOf(schema: GraphQLSchema, typeName: string): { where: string; deprecated: boolean }[] {
  const refs: { where: string; deprecated: boolean }[] = [];
  const visitArgs = (owner: string, args: readonly GraphQLArgument[]) => {
    for (const a of args)
      if (getNamedType(a.type).name === typeName) refs.push({ where: `${owner}(${a.name})`, deprecated: deprecated(a) });
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || type.name === typeName) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const f of Object.values<GraphQLField<unknown, unknown>>(type.getFields())) {
        if (getNamedType(f.type).name === typeName) refs.push({ where: `${type.name}.${f.name}`, deprecated: deprecated(f) });
        visitArgs(`${type.name}.${f.name}`, f.args);
      }
    } else if (isInputObjectType(type)) {
      for (const f of Object.values<GraphQLInputField>(type.getFields())) {
        if (getNamedType(f.type).name === typeName) refs.push({ where: `${type.name}.${f.name}`, deprecated: deprecated(f) });
      }
    } else if (isUnionType(type)) {
      if (type.getTypes().some((t) => t.name === typeName)) refs.push({ where: type.name, deprecated: false });
    }
  }
  return refs;
}

/**
 * A removal is allowed when the published schema had deprecated what is removed: a field, an enum
 * value, an input field or an argument; a type when every place that named it was deprecated.
 * Everything else inspector calls breaking stays breaking (its own suppress rule lets any type go).
 */
export const removalOfDeprecated: Rule = ({ changes, oldSchema }) =>
  changes.map((change): Change => {
    if (change.criticality.level !== CriticalityLevel.Breaking || !change.path || !oldSchema) return change;
    const [typeName, member, arg] = change.path.split('.');
    const type = oldSchema.getType(typeName);
    let allowed = false;
    switch (change.type) {
      case 'FIELD_REMOVED':
        allowed = (isObjectType(type) || isInterfaceType(type)) && deprecated(type.getFields()[member]);
        break;
      case 'ENUM_VALUE_REMOVED':
        allowed = isEnumType(type) && deprecated(type.getValue(member) ?? undefined);
        break;
      case 'INPUT_FIELD_REMOVED':
        allowed = isInputObjectType(type) && deprecated(type.getFields()[member]);
        break;
      case 'FIELD_ARGUMENT_REMOVED':
        allowed = (isObjectType(type) || isInterfaceType(type)) && deprecated(type.getFields()[member]?.args.find((a) => a.name === arg));
        break;
      case 'TYPE_REMOVED': {
        const refs = referencesOf(oldSchema, typeName);
        allowed = refs.length > 0 && refs.every((r) => r.deprecated);
        break;
      }
      default:
        break;
    }
    return allowed
      ? {
          ...change,
          message: `${change.message}${DEPRECATED_NOTE}`,
          criticality: { ...change.criticality, level: CriticalityLevel.Dangerous },
        }
      : change;
  });

const LEVELS: Record<CriticalityLevel, ChangeLevel> = {
  [CriticalityLevel.Breaking]: 'BREAKING',
  [CriticalityLevel.Dangerous]: 'DANGEROUS',
  [CriticalityLevel.NonBreaking]: 'SAFE',
};

/** The changes between two supergraphs as a client sees them (the API schemas). */
export async function clientChanges(oldSupergraph: string, newSupergraph: string): Promise<SchemaChange[]> {
  const changes = await diff(apiSchema(oldSupergraph), apiSchema(newSupergraph), [removalOfDeprecated]);
  return changes.map((c) => ({
    level: LEVELS[c.criticality.level],
    type: String(c.type),
    path: c.path,
    message: c.message,
  }));
}

/**
 * The check before a publication: the candidate SDL of one service composed with every other
 * service's published SDL, the result compared with the published supergraph.
 */
export async function checkSubgraph(
  published: PublishedArtefact,
  candidate: { name: string; sdl: string; url?: string },
): Promise<CheckResult> {
  const known = published.manifest.subgraphs.find((s) => s.name === candidate.name);
  const url = candidate.url ?? known?.url;
  const base = { service: candidate.name, breaking: [], dangerous: [], safe: [] };
  if (!url) {
    return {
      ...base,
      ok: false,
      compositionErrors: [`${candidate.name} is not published yet: give its routing URL (--url)`],
      subgraphs: [],
    };
  }
  const subgraphs: SubgraphSdl[] = published.manifest.subgraphs
    .filter((s) => s.name !== candidate.name)
    .map((s) => ({ name: s.name, url: s.url, sdl: published.subgraphs.get(s.name)! }));
  subgraphs.push({ name: candidate.name, url, sdl: candidate.sdl });
  subgraphs.sort((a, b) => a.name.localeCompare(b.name));
  const composed = compose(subgraphs);
  if (composed.errors) return { ...base, ok: false, compositionErrors: composed.errors, subgraphs };
  const changes = await clientChanges(published.supergraph, composed.supergraph);
  const breaking = changes.filter((c) => c.level === 'BREAKING');
  return {
    ...base,
    ok: breaking.length === 0,
    compositionErrors: [],
    breaking,
    dangerous: changes.filter((c) => c.level === 'DANGEROUS'),
    safe: changes.filter((c) => c.level === 'SAFE'),
    supergraph: composed.supergraph,
    subgraphs,
  };
}

/** The report a person reads: every change named, breaking ones first. */
export function formatCheck(result: CheckResult): string {
  const lines: string[] = [];
  const list = (title: string, changes: SchemaChange[]) => {
    if (changes.length === 0) return;
    lines.push(`${title}:`);
    for (const c of changes) lines.push(`  - ${c.type}${c.path ? ` ${c.path}` : ''}: ${c.message}`);
  };
  if (result.compositionErrors.length > 0) {
    lines.push(`${result.service}: does not compose with the published subgraphs:`);
    for (const e of result.compositionErrors) lines.push(`  - ${e}`);
    return `${lines.join('\n')}\n`;
  }
  list('breaking changes (refused: deprecate first, publish, then remove)', result.breaking);
  list('dangerous changes (allowed)', result.dangerous);
  list('safe changes', result.safe);
  const total = result.breaking.length + result.dangerous.length + result.safe.length;
  lines.push(
    result.ok
      ? `${result.service}: ${total === 0 ? 'no change against the published supergraph' : `${total} change(s), none breaking`}`
      : `${result.service}: ${result.breaking.length} breaking change(s) against the published supergraph`,
  );
  return `${lines.join('\n')}\n`;
}
