// The GraphQL error codes a client can rely on. Every error that reaches a user carries one.
// SERVICE_UNAVAILABLE is transient (a database or a subgraph away): it comes with
// `extensions.retryable: true`, and retrying the same request (with its idempotency key) is safe.
export const GRAPHQL_CODES = [
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'CONFLICT',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
] as const;
export type GraphqlCode = (typeof GRAPHQL_CODES)[number];

/**
 * The codes GraphQL and Apollo give a request that never reached a resolver (it did not parse or
 * validate, named an unknown persisted query, …): the caller's doing, safe to show as they are.
 * The service kit's error formatter, the gateway's mask and the metrics' client/server split all
 * start from this list.
 */
export const REQUEST_CODES = [
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
] as const;

/**
 * A rule of the domain was not met. `reason` is the aggregate's own code
 * (e.g. `GRID_PARENT_NOT_A_VILLAGE`); `code` is what GraphQL clients switch on.
 */
export class DomainError extends Error {
  constructor(
    readonly code: GraphqlCode,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (reason: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('NOT_FOUND', reason, message, details);
export const badInput = (reason: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('BAD_USER_INPUT', reason, message, details);
export const conflict = (reason: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('CONFLICT', reason, message, details);
export const forbidden = (reason: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('FORBIDDEN', reason, message, details);
export const unauthenticated = (reason: string, message: string) => new DomainError('UNAUTHENTICATED', reason, message);

// The grid is grid-organisation's; every other service keeps a replica and meets the same two
// refusals. One code and one wording for each, wherever a grid is looked up or used.

/** A grid that does not exist, or not for this reader. */
export const gridNotFound = (id: string): DomainError => notFound('GRID_NOT_FOUND', `No grid ${id} is known here.`);

/** A grid that is retired; `consequence` says what the caller cannot do with it, or where to go instead. */
export const gridRetired = (grid: string, consequence: string): DomainError =>
  conflict('GRID_RETIRED', `Grid ${grid} is retired: ${consequence}`);

/** Seconds a client is told to wait (Retry-After) before retrying a request that met a transient fault. */
export const RETRY_AFTER_SECONDS = 2;

/** A dependency is away for now; the same request may be retried. */
export const serviceUnavailable = (reason: string, message: string) => new DomainError('SERVICE_UNAVAILABLE', reason, message);

/**
 * `work`, or a rejection once `ms` have passed without its answer (`work` itself is not cancelled).
 * The one time bound of the workspace: health checks, status reads, shutdown waits.
 */
export function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}
