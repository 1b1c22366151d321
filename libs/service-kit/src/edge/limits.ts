import {
  ArgumentNode,
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  GraphQLField,
  GraphQLNamedType,
  GraphQLSchema,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
} from 'graphql';

/** The limits every GraphQL endpoint (the gateway and each subgraph) applies before any work. */
export interface QueryLimits {
  maxCharacters: number;
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** How often one response name may be selected in one (expanded) selection set. */
  maxDuplicateFields: number;
  maxCost: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxCharacters: 32_768,
  maxTokens: 4_000,
  maxDepth: 10,
  maxAliases: 30,
  maxDirectives: 30,
  maxDuplicateFields: 30,
  maxCost: 50_000,
};

export type LimitReason =
  | 'MAX_CHARACTERS'
  | 'MAX_TOKENS'
  | 'TOO_NESTED'
  | 'FRAGMENT_CYCLE'
  | 'MAX_DEPTH'
  | 'MAX_ALIASES'
  | 'MAX_DIRECTIVES'
  | 'MAX_DUPLICATE_FIELDS'
  | 'MAX_COST';

export interface LimitRefusal {
  reason: LimitReason;
  message: string;
  limit?: number;
  actual?: number;
}

/** What a page costs when the query does not say how large: the server's default. */
export const UNSTATED_PAGE = 50;
/** A plain list field (no `first`): what it may return is not bounded by the query. */
export const PLAIN_LIST = 20;

// Counts of an expanded document grow exponentially in a fragment bomb: saturate, never overflow.
const CAP = 1e15;
const add = (a: number, b: number): number => Math.min(CAP, a + b);
const mul = (a: number, b: number): number => Math.min(CAP, a * b);

interface Summary {
  /** Levels of selection sets below this one. */
  depth: number;
  aliases: number;
  directives: number;
  cost: number;
  /** Response names selected in this set (fragments merged), with how often. */
  names: Map<string, number>;
}

type Variables = Record<string, unknown> | null | undefined;

function intOf(value: ValueNode | undefined, variables: Variables, defaults: Map<string, ValueNode>): number | undefined {
  if (!value) return undefined;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const given = variables?.[value.name.value];
    if (typeof given === 'number' && Number.isFinite(given)) return given;
    if (given === undefined) return intOf(defaults.get(value.name.value), variables, defaults);
  }
  return undefined;
}

function lengthOf(value: ValueNode | undefined, variables: Variables): number | undefined {
  if (!value) return undefined;
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.VARIABLE) {
    const given = variables?.[value.name.value];
    if (Array.isArray(given)) return given.length;
  }
  return undefined;
}

/**
 * How many items a field may return: a paged field its page size (`first`/`last` as written or as
 * the variables say, else the argument's default, else UNSTATED_PAGE), `_entities` the number of
 * representations, a plain list PLAIN_LIST (a connection's edges: one, the page is charged above).
 */
function listSize(
  field: FieldNode,
  definition: GraphQLField<unknown, unknown> | undefined,
  parent: GraphQLNamedType | undefined,
  variables: Variables,
  defaults: Map<string, ValueNode>,
): number {
  const arg = (name: string): ArgumentNode | undefined => field.arguments?.find((a) => a.name.value === name);
  const representations = lengthOf(arg('representations')?.value, variables);
  if (representations !== undefined) return Math.max(1, representations);
  const page = arg('first') ?? arg('last');
  if (page) return Math.max(1, intOf(page.value, variables, defaults) ?? UNSTATED_PAGE);
  const pageArg = definition?.args.find((a) => a.name === 'first' || a.name === 'last');
  if (pageArg) return typeof pageArg.defaultValue === 'number' ? Math.max(1, pageArg.defaultValue) : UNSTATED_PAGE;
  if (parent?.name.endsWith('Connection')) return 1;
  // Introspection answers the schema, whose size is ours: each field once (graphql-js'
  // MaxIntrospectionDepthRule, which Apollo runs, bounds fields-within-fields).
  if (parent?.name.startsWith('__')) return 1;
  if (definition && isListType(getNullableType(definition.type))) return PLAIN_LIST;
  return 1;
}

// Meta fields are not among a type's fields: their types, so what is below them is measured too.
const META_FIELDS: Record<string, string> = { __schema: '__Schema', __type: '__Type' };

class Refused extends Error {
  constructor(readonly refusal: LimitRefusal) {
    super(refusal.message);
  }
}

/**
 * Depth, aliases, directives, repeated fields and cost of one operation, with the variables' real
 * values. Each fragment is measured once (memoised), so the walk is linear in the document: a
 * fragment bomb costs what its text costs, and a cycle is refused instead of followed.
 */
export function measureOperation(
  schema: GraphQLSchema | undefined,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Variables,
  limits: QueryLimits,
): LimitRefusal | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const defaults = new Map<string, ValueNode>();
  for (const v of operation.variableDefinitions ?? []) if (v.defaultValue) defaults.set(v.variable.name.value, v.defaultValue);
  const typeNamed = (name: string | undefined): GraphQLNamedType | undefined => (name && schema ? schema.getType(name) : undefined);
  const memo = new Map<string, Summary>();

  // Fragments are measured in dependency order (an explicit stack, not recursion: a chain of
  // thousands of fragments must not exhaust the call stack), each exactly once.
  const spreadsOf = (set: SelectionSetNode, into: string[]): string[] => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) into.push(sel.name.value);
      else if (sel.selectionSet) spreadsOf(sel.selectionSet, into);
    }
    return into;
  };
  const order = (): string[] | LimitRefusal => {
    const done = new Set<string>();
    const out: string[] = [];
    for (const start of fragments.keys()) {
      if (done.has(start)) continue;
      const stack: { name: string; next: string[] }[] = [{ name: start, next: spreadsOf(fragments.get(start)!.selectionSet, []) }];
      const onPath = new Set([start]);
      while (stack.length) {
        const top = stack[stack.length - 1];
        const child = top.next.pop();
        if (child === undefined) {
          stack.pop();
          onPath.delete(top.name);
          done.add(top.name);
          out.push(top.name);
        } else if (onPath.has(child)) {
          return { reason: 'FRAGMENT_CYCLE', message: `The fragment ${child} spreads itself; fragments may not form a cycle.` };
        } else if (!done.has(child) && fragments.has(child)) {
          onPath.add(child);
          stack.push({ name: child, next: spreadsOf(fragments.get(child)!.selectionSet, []) });
        }
      }
    }
    return out;
  };
  const fragmentSummary = (name: string): Summary | undefined => memo.get(name); // unknown: validation reports it

  const merge = (out: Summary, inner: Summary): void => {
    out.depth = Math.max(out.depth, inner.depth);
    out.aliases = add(out.aliases, inner.aliases);
    out.directives = add(out.directives, inner.directives);
    out.cost = add(out.cost, inner.cost);
    for (const [n, count] of inner.names) out.names.set(n, add(out.names.get(n) ?? 0, count));
  };

  function measure(set: SelectionSetNode, parent: GraphQLNamedType | undefined): Summary {
    const out: Summary = { depth: 0, aliases: 0, directives: 0, cost: 0, names: new Map() };
    for (const sel of set.selections) {
      out.directives = add(out.directives, sel.directives?.length ?? 0);
      if (sel.kind === Kind.FIELD) {
        const definition = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[sel.name.value] : undefined;
        const meta = META_FIELDS[sel.name.value];
        const key = sel.alias?.value ?? sel.name.value;
        out.names.set(key, add(out.names.get(key) ?? 0, 1));
        if (sel.alias) out.aliases = add(out.aliases, 1);
        let innerCost = 0;
        if (sel.selectionSet) {
          const inner = measure(sel.selectionSet, definition ? getNamedType(definition.type) : typeNamed(meta));
          // A type reference's ofType chain is as long as the schema's wrappers (a few), never the
          // caller's choice: the standard introspection query stays within the depth limit.
          const levels = sel.name.value === 'ofType' && parent?.name === '__Type' ? 0 : 1;
          out.depth = Math.max(out.depth, inner.depth + levels);
          out.aliases = add(out.aliases, inner.aliases);
          out.directives = add(out.directives, inner.directives);
          innerCost = inner.cost;
        }
        out.cost = add(out.cost, add(1, mul(listSize(sel, definition, parent, variables, defaults), innerCost)));
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        merge(out, measure(sel.selectionSet, typeNamed(sel.typeCondition?.name.value) ?? parent));
      } else {
        const inner = fragmentSummary(sel.name.value);
        if (inner) merge(out, inner);
      }
    }
    for (const [name, count] of out.names)
      if (count > limits.maxDuplicateFields)
        throw new Refused({
          reason: 'MAX_DUPLICATE_FIELDS',
          message: `The query selects ${name} ${count} times in one place; at most ${limits.maxDuplicateFields} are allowed.`,
          limit: limits.maxDuplicateFields,
          actual: count,
        });
    return out;
  }

  let m: Summary;
  try {
    const sorted = order();
    if (!Array.isArray(sorted)) return sorted;
    for (const name of sorted) {
      const fragment = fragments.get(name)!;
      memo.set(name, measure(fragment.selectionSet, typeNamed(fragment.typeCondition.name.value)));
    }
    m = measure(operation.selectionSet, schema?.getRootType(operation.operation) ?? undefined);
  } catch (error) {
    if (error instanceof Refused) return error.refusal;
    if (error instanceof RangeError) return { reason: 'TOO_NESTED', message: 'The query is nested too deeply to be read.' };
    throw error;
  }
  const depth = m.depth + 1;
  const directives = add(m.directives, operation.directives?.length ?? 0);
  if (depth > limits.maxDepth)
    return {
      reason: 'MAX_DEPTH',
      message: `The query is ${depth} levels deep; at most ${limits.maxDepth} are allowed.`,
      limit: limits.maxDepth,
      actual: depth,
    };
  if (m.aliases > limits.maxAliases)
    return {
      reason: 'MAX_ALIASES',
      message: `The query uses ${m.aliases} aliases; at most ${limits.maxAliases} are allowed.`,
      limit: limits.maxAliases,
      actual: m.aliases,
    };
  if (directives > limits.maxDirectives)
    return {
      reason: 'MAX_DIRECTIVES',
      message: `The query uses ${directives} directives; at most ${limits.maxDirectives} are allowed.`,
      limit: limits.maxDirectives,
      actual: directives,
    };
  if (m.cost > limits.maxCost)
    return {
      reason: 'MAX_COST',
      message: `The query would cost ${m.cost}; at most ${limits.maxCost} is allowed. Ask for smaller pages.`,
      limit: limits.maxCost,
      actual: m.cost,
    };
  return undefined;
}
