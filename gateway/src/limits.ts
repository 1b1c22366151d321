import {
  ASTVisitor,
  FieldNode,
  FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  GraphQLError,
  GraphQLField,
  GraphQLNamedType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';

export interface Limits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

const limitError = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_COMPLEX' } });

/** What a page costs when the query does not say: a variable `first`, or none (the server's default). */
export const UNSTATED_PAGE = 50;
/** A plain list field (no `first`): what it may return is not bounded by the query. */
export const PLAIN_LIST = 20;

/**
 * How many items a field may return: a paged field its page size (`first`, or the argument's default,
 * or UNSTATED_PAGE), a plain list PLAIN_LIST (a connection's edges: one, the page is charged above),
 * anything else one.
 */
function listSize(field: FieldNode, definition: GraphQLField<unknown, unknown> | undefined, parent: GraphQLNamedType | undefined): number {
  const first = field.arguments?.find((a) => a.name.value === 'first');
  if (first?.value.kind === Kind.INT) return Math.max(1, Number(first.value.value));
  if (first) return UNSTATED_PAGE;
  const firstArg = definition?.args.find((a) => a.name === 'first');
  if (firstArg) return typeof firstArg.defaultValue === 'number' ? Math.max(1, firstArg.defaultValue) : UNSTATED_PAGE;
  // A connection's `edges` and `nodes` hold the page its field was charged for already.
  if (parent?.name.endsWith('Connection')) return 1;
  if (definition && isListType(getNullableType(definition.type))) return PLAIN_LIST;
  return 1;
}

/**
 * Depth, aliases and cost of an operation, measured on the document before anything runs.
 * Fragments are followed (each once per path, so cycles cannot loop).
 */
export function operationLimits(limits: Limits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const schema = context.getSchema();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    const typeNamed = (name: string | undefined): GraphQLNamedType | undefined => (name ? schema.getType(name) : undefined);

    const measure = (
      set: SelectionSetNode | undefined,
      parent: GraphQLNamedType | undefined,
      depth: number,
      seen: Set<string>,
    ): { depth: number; aliases: number; cost: number } => {
      const out = { depth, aliases: 0, cost: 0 };
      for (const sel of set?.selections ?? []) {
        let inner: { depth: number; aliases: number; cost: number };
        if (sel.kind === Kind.FIELD) {
          const definition = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[sel.name.value] : undefined;
          const type = definition ? getNamedType(definition.type) : undefined;
          inner = measure(sel.selectionSet, type, sel.selectionSet ? depth + 1 : depth, seen);
          out.aliases += inner.aliases + (sel.alias ? 1 : 0);
          out.cost += 1 + listSize(sel, definition, parent) * inner.cost;
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          inner = measure(sel.selectionSet, typeNamed(sel.typeCondition?.name.value) ?? parent, depth, seen);
          out.aliases += inner.aliases;
          out.cost += inner.cost;
        } else {
          const name = sel.name.value;
          const fragment = fragments.get(name);
          if (!fragment || seen.has(name)) continue;
          inner = measure(fragment.selectionSet, typeNamed(fragment.typeCondition.name.value), depth, new Set([...seen, name]));
          out.aliases += inner.aliases;
          out.cost += inner.cost;
        }
        out.depth = Math.max(out.depth, inner.depth);
      }
      return out;
    };

    return {
      OperationDefinition(node: OperationDefinitionNode) {
        const m = measure(node.selectionSet, schema.getRootType(node.operation) ?? undefined, 1, new Set());
        if (m.depth > limits.maxDepth)
          context.reportError(limitError(`The query is ${m.depth} levels deep; at most ${limits.maxDepth} are allowed.`));
        if (m.aliases > limits.maxAliases)
          context.reportError(limitError(`The query uses ${m.aliases} aliases; at most ${limits.maxAliases} are allowed.`));
        if (m.cost > limits.maxCost)
          context.reportError(limitError(`The query would cost ${m.cost}; at most ${limits.maxCost} is allowed. Ask for smaller pages.`));
      },
    };
  };
}
