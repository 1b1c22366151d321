import { z } from 'zod';
import { DEFAULT_QUERY_LIMITS, QueryLimits } from './limits';

const int = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);

/** The limits' variables, the same names in the gateway's and every subgraph's config. */
export const graphqlLimitsConfig = {
  GRAPHQL_MAX_CHARACTERS: int(1, DEFAULT_QUERY_LIMITS.maxCharacters),
  GRAPHQL_MAX_TOKENS: int(1, DEFAULT_QUERY_LIMITS.maxTokens),
  GRAPHQL_MAX_DEPTH: int(1, DEFAULT_QUERY_LIMITS.maxDepth),
  GRAPHQL_MAX_ALIASES: int(0, DEFAULT_QUERY_LIMITS.maxAliases),
  GRAPHQL_MAX_DIRECTIVES: int(0, DEFAULT_QUERY_LIMITS.maxDirectives),
  GRAPHQL_MAX_DUPLICATE_FIELDS: int(1, DEFAULT_QUERY_LIMITS.maxDuplicateFields),
  GRAPHQL_MAX_COST: int(1, DEFAULT_QUERY_LIMITS.maxCost),
  // Validation is bounded by the caps above; a document that still takes longer is refused.
  GRAPHQL_VALIDATION_BUDGET_MS: int(1, 2_000),
  // A GraphQL request not answered by then gets 503 REQUEST_TIMEOUT.
  GRAPHQL_REQUEST_TIMEOUT_MS: int(100, 15_000),
};

export type GraphqlLimitsConfig = { [K in keyof typeof graphqlLimitsConfig]: number };

export const queryLimitsOf = (c: GraphqlLimitsConfig): QueryLimits => ({
  maxCharacters: c.GRAPHQL_MAX_CHARACTERS,
  maxTokens: c.GRAPHQL_MAX_TOKENS,
  maxDepth: c.GRAPHQL_MAX_DEPTH,
  maxAliases: c.GRAPHQL_MAX_ALIASES,
  maxDirectives: c.GRAPHQL_MAX_DIRECTIVES,
  maxDuplicateFields: c.GRAPHQL_MAX_DUPLICATE_FIELDS,
  maxCost: c.GRAPHQL_MAX_COST,
});

/** The secret the gateway signs subgraph requests with (both sides), at least 32 characters. */
export const gatewaySecretConfig = z.string().min(32, 'must be at least 32 characters (a random secret shared by gateway and subgraphs)');
