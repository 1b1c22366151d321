import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import {
  DocumentNode,
  FragmentDefinitionNode,
  getOperationAST,
  GraphQLError,
  GraphQLSchema,
  isUnionType,
  Kind,
  OperationDefinitionNode,
  OperationTypeNode,
  parse,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import { GATEWAY_CREDENTIAL_HEADER, verifyGatewayCredential } from '@civgrid/auth';
import { sendGraphqlError } from './http';
import { LimitRefusal, measureOperation, QueryLimits } from './limits';

export interface GatewayCredentialPolicy {
  secret: string;
  /** `federation`: `_entities` and `_service` need it; `all`: every operation does. */
  scope: 'federation' | 'all';
}

export interface GraphqlEdgeOptions {
  limits: QueryLimits;
  /** The schema the cost is computed against (undefined until it is known: costs then use defaults). */
  schema: () => GraphQLSchema | undefined;
  /** A subgraph's policy for the gateway's credential; none on the gateway itself. */
  credential?: GatewayCredentialPolicy;
}

interface GraphqlBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: { persistedQuery?: { sha256Hash?: unknown } };
}

const FEDERATION_FIELDS = new Set(['_entities', '_service']);

/** Whether the operation selects `_entities` or `_service` at its root (through fragments too). */
function selectsFederationFields(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode): boolean =>
    set.selections.some((sel) => {
      if (sel.kind === Kind.FIELD) return FEDERATION_FIELDS.has(sel.name.value);
      if (sel.kind === Kind.INLINE_FRAGMENT) return walk(sel.selectionSet);
      const fragment = fragments.get(sel.name.value);
      if (!fragment || seen.has(sel.name.value)) return false;
      seen.add(sel.name.value);
      return walk(fragment.selectionSet);
    });
  return walk(operation.selectionSet);
}

/**
 * The first `__typename` of an `_entities` representation that names no entity of this schema.
 * @apollo/subgraph throws for one while the other representations' lookups are under way, and
 * those then reject with nobody listening: refused here, before anything runs.
 */
function unknownEntityType(
  schema: GraphQLSchema | undefined,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): string | undefined {
  const entity = schema?.getType('_Entity');
  if (!entity || !isUnionType(entity) || !selectsFederationFields(document, operation)) return undefined;
  const known = new Set(entity.getTypes().map((t) => t.name));
  const typenames: unknown[] = [];
  const collect = (set: SelectionSetNode, seen: Set<string>): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD && sel.name.value === '_entities') {
        const value = sel.arguments?.find((a) => a.name.value === 'representations')?.value;
        if (value?.kind === Kind.VARIABLE) {
          const given = variables?.[value.name.value];
          for (const rep of Array.isArray(given) ? given : [given]) typenames.push((rep as { __typename?: unknown } | null)?.__typename);
        } else if (value) {
          for (const rep of value.kind === Kind.LIST ? value.values : [value]) {
            const field = rep.kind === Kind.OBJECT ? rep.fields.find((f) => f.name.value === '__typename') : undefined;
            typenames.push(field?.value.kind === Kind.STRING ? field.value.value : undefined);
          }
        }
      } else if (sel.kind === Kind.INLINE_FRAGMENT) collect(sel.selectionSet, seen);
      else if (sel.kind === Kind.FRAGMENT_SPREAD && !seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === sel.name.value);
        if (fragment?.kind === Kind.FRAGMENT_DEFINITION) collect(fragment.selectionSet, seen);
      }
    }
  };
  collect(operation.selectionSet, new Set());
  const at = typenames.findIndex((t) => typeof t !== 'string' || !known.has(t));
  return at < 0 ? undefined : JSON.stringify(typenames[at] ?? null);
}

const refusalExtensions = (r: LimitRefusal): Record<string, unknown> => ({
  reason: r.reason,
  ...(r.limit !== undefined ? { limit: r.limit, actual: r.actual } : {}),
});

/**
 * What a GraphQL endpoint checks before the GraphQL server parses or validates anything: the body's
 * shape and content type, a persisted query's hash, the size of the text (characters, then tokens
 * while parsing), subscriptions, the gateway's credential (subgraphs), and depth, aliases,
 * directives, repeated fields and cost with the variables' values. Each refusal is a 4xx with a
 * GraphQL-shaped error and a code. Parsed documents are kept (a bounded cache), so a repeated
 * operation is parsed once here.
 */
export function graphqlEdge(options: GraphqlEdgeOptions): RequestHandler {
  const { limits } = options;
  const documents = new Map<string, DocumentNode>();
  const hashes = new Map<string, string>();
  const remember = (query: string, document: DocumentNode): void => {
    if (documents.size >= 500) documents.delete(documents.keys().next().value as string);
    documents.set(query, document);
  };

  return (req: Request, res, next) => {
    let body: GraphqlBody;
    if (req.method === 'POST') {
      const type = req.headers['content-type'] ?? '';
      if (!/^application\/(graphql-response\+)?json\b/i.test(type))
        return sendGraphqlError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send GraphQL requests as application/json.');
      if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body))
        return sendGraphqlError(res, 400, 'BAD_REQUEST', 'The body must be one JSON object with a query (batches are not accepted).');
      body = req.body as GraphqlBody;
    } else if (req.method === 'GET') {
      // GET carries the query in the URL; the landing page and other GETs without one pass.
      const q = req.query as Record<string, unknown>;
      if (typeof q['query'] !== 'string') return next();
      let variables: unknown;
      try {
        variables = typeof q['variables'] === 'string' ? JSON.parse(q['variables']) : undefined;
      } catch {
        return sendGraphqlError(res, 400, 'BAD_REQUEST', 'The variables parameter is not well-formed JSON.');
      }
      body = { query: q['query'], operationName: q['operationName'], variables };
    } else {
      return next();
    }

    const hash = body.extensions?.persistedQuery?.sha256Hash;
    if (typeof body.query !== 'string' && typeof hash === 'string') {
      // A persisted query by hash alone: checked like any other, so only texts seen here are run.
      const known = hashes.get(hash);
      if (!known)
        return sendGraphqlError(
          res,
          200,
          'PERSISTED_QUERY_NOT_FOUND',
          'PersistedQueryNotFound',
          {},
          { 'cache-control': 'private, no-cache, must-revalidate' },
        );
      body.query = known;
    }
    const query = body.query;
    if (typeof query === 'string' && hash !== undefined) {
      if (createHash('sha256').update(query).digest('hex') !== hash)
        return sendGraphqlError(
          res,
          400,
          'PERSISTED_QUERY_HASH_MISMATCH',
          'The persisted query hash does not match the query text (sha256 of the text, in hex).',
        );
      if (query.length <= limits.maxCharacters && !hashes.has(hash)) {
        if (hashes.size >= 5_000) hashes.delete(hashes.keys().next().value as string);
        hashes.set(hash, query);
      }
    }
    if (typeof query !== 'string') return next();

    if (query.length > limits.maxCharacters)
      return sendGraphqlError(
        res,
        400,
        'QUERY_TOO_COMPLEX',
        `The query has ${query.length} characters; at most ${limits.maxCharacters} are allowed.`,
        {
          reason: 'MAX_CHARACTERS',
          limit: limits.maxCharacters,
          actual: query.length,
        },
      );

    let document = documents.get(query);
    if (!document) {
      try {
        document = parse(query, { maxTokens: limits.maxTokens, noLocation: true });
      } catch (error) {
        if (error instanceof Error && /contains more th(?:an|at) \d+ tokens/.test(error.message))
          return sendGraphqlError(res, 400, 'QUERY_TOO_COMPLEX', `The query has more than ${limits.maxTokens} tokens.`, {
            reason: 'MAX_TOKENS',
            limit: limits.maxTokens,
          });
        if (error instanceof RangeError)
          return sendGraphqlError(res, 400, 'QUERY_TOO_COMPLEX', 'The query is nested too deeply to be read.', { reason: 'TOO_NESTED' });
        return next(); // a syntax error: the GraphQL server reports it (GRAPHQL_PARSE_FAILED)
      }
      remember(query, document);
    }
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
    const operation = getOperationAST(document, operationName);
    // Apollo's gateway answers an unknown operation name with a 500: say it is the caller's.
    if (!operation)
      return document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION)
        ? sendGraphqlError(
            res,
            400,
            'OPERATION_RESOLUTION_FAILURE',
            operationName
              ? `The document has no operation named ${operationName}.`
              : 'The document has several operations: name the one to run (operationName).',
          )
        : next();
    if (operation.operation === OperationTypeNode.SUBSCRIPTION)
      return sendGraphqlError(
        res,
        400,
        'SUBSCRIPTIONS_NOT_SUPPORTED',
        'Subscriptions are not served here; poll the query or read the event streams.',
      );

    const credential = options.credential;
    if (credential && (credential.scope === 'all' || selectsFederationFields(document, operation))) {
      const authorization = req.headers.authorization;
      if (!verifyGatewayCredential(credential.secret, req.headers[GATEWAY_CREDENTIAL_HEADER], authorization))
        return sendGraphqlError(
          res,
          403,
          'GATEWAY_CREDENTIAL_REQUIRED',
          credential.scope === 'all'
            ? 'This service answers only the gateway.'
            : '_entities and _service answer only the gateway; query the gateway instead.',
        );
    }

    const variables = body.variables && typeof body.variables === 'object' ? (body.variables as Record<string, unknown>) : undefined;
    const stranger = unknownEntityType(options.schema(), document, operation, variables);
    if (stranger !== undefined)
      return sendGraphqlError(res, 400, 'BAD_USER_INPUT', `No entity type ${stranger} is served here.`, { reason: 'UNKNOWN_ENTITY_TYPE' });
    const refusal = measureOperation(options.schema(), document, operation, variables, limits);
    if (refusal) return sendGraphqlError(res, 400, 'QUERY_TOO_COMPLEX', refusal.message, refusalExtensions(refusal));
    next();
  };
}

/**
 * A validation time budget: the caps above bound what validation can cost, and a document whose
 * validation still takes longer than `ms` is refused rather than executed (and not cached).
 */
export function validationBudget(ms: number): ValidationRule {
  return (context: ValidationContext) => {
    const started = performance.now();
    return {
      Document: {
        leave() {
          const spent = performance.now() - started;
          if (spent > ms)
            context.reportError(
              new GraphQLError(`Validating the query took ${Math.round(spent)} ms; at most ${ms} ms are allowed.`, {
                extensions: { code: 'QUERY_TOO_COMPLEX', reason: 'VALIDATION_BUDGET', limit: ms },
              }),
            );
        },
      },
    };
  };
}
