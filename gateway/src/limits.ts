import {
  ASTVisitor,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLError,
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

/** A paged field costs its page size (`first`; 50 when a variable) times what each item costs. */
function listSize(field: FieldNode): number {
  const first = field.arguments?.find((a) => a.name.value === 'first');
  if (first?.value.kind === Kind.INT) return Math.max(1, Number(first.value.value));
  if (first?.value.kind === Kind.VARIABLE) return 50;
  return 1;
}

/**
 * Depth, aliases and cost of an operation, measured on the document before anything runs.
 * Fragments are followed (each once per path, so cycles cannot loop).
 */
export function operationLimits(limits: Limits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

    const measure = (
      set: SelectionSetNode | undefined,
      depth: number,
      seen: Set<string>,
    ): { depth: number; aliases: number; cost: number } => {
      const out = { depth, aliases: 0, cost: 0 };
      for (const sel of set?.selections ?? []) {
        let inner: { depth: number; aliases: number; cost: number };
        if (sel.kind === Kind.FIELD) {
          inner = measure(sel.selectionSet, sel.selectionSet ? depth + 1 : depth, seen);
          out.aliases += inner.aliases + (sel.alias ? 1 : 0);
          out.cost += 1 + listSize(sel) * inner.cost;
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          inner = measure(sel.selectionSet, depth, seen);
          out.aliases += inner.aliases;
          out.cost += inner.cost;
        } else {
          const name = sel.name.value;
          const fragment = fragments.get(name);
          if (!fragment || seen.has(name)) continue;
          inner = measure(fragment.selectionSet, depth, new Set([...seen, name]));
          out.aliases += inner.aliases;
          out.cost += inner.cost;
        }
        out.depth = Math.max(out.depth, inner.depth);
      }
      return out;
    };

    return {
      OperationDefinition(node: OperationDefinitionNode) {
        const m = measure(node.selectionSet, 1, new Set());
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
