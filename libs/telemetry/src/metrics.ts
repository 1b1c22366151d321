import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { REQUEST_CODES } from '@civgrid/errors';

/**
 * Prometheus metrics shared by the gateway and every subgraph. Names follow the Prometheus
 * conventions (`_seconds`, `_total`); every label value comes from a bounded set: no ids, no
 * names, nothing a caller can make up without limit (see docs/observability.md).
 */

/** Seconds: from a quick cached read to a slow cross-service page. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * A label whose values come from callers (operation names): the first `max` distinct well-formed
 * values are kept, any later one is counted as `other`, so a caller inventing names cannot grow
 * the series without bound. Missing names are `anonymous`.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();
  constructor(private readonly max = 200) {}

  value(raw: string | null | undefined): string {
    if (raw === undefined || raw === null || raw === '') return 'anonymous';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(raw)) return 'other';
    if (this.seen.has(raw)) return raw;
    if (this.seen.size >= this.max) return 'other';
    this.seen.add(raw);
    return raw;
  }
}

/** Routes as labels: known prefixes, everything else `other` (a scanner's paths make no series). */
export function routeLabel(path: string): string {
  for (const route of ['/graphql', '/graphiql', '/metrics', '/health', '/open311']) {
    if (path === route || path.startsWith(`${route}/`) || path.startsWith(`${route}?`)) return route;
  }
  return path === '/' ? '/' : 'other';
}

export type Outcome = 'ok' | 'client_error' | 'server_error';

/** Codes the caller caused; anything else (INTERNAL_SERVER_ERROR, a subgraph down) is ours. */
const CLIENT_CODES = new Set<string>(['BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'CONFLICT', ...REQUEST_CODES]);

/** The error code as a label: a known client code, INTERNAL_SERVER_ERROR, or OTHER. */
export function codeLabel(code: unknown): string {
  if (typeof code === 'string' && (CLIENT_CODES.has(code) || code === 'INTERNAL_SERVER_ERROR')) return code;
  return 'OTHER';
}

export function outcomeOf(codes: unknown[]): Outcome {
  if (codes.length === 0) return 'ok';
  return codes.every((c) => typeof c === 'string' && CLIENT_CODES.has(c)) ? 'client_error' : 'server_error';
}

/** The metrics every process of CivGrid has, on its own registry (tests start several in one process). */
export class CoreMetrics {
  readonly registry: Registry;
  readonly operationNames = new BoundedLabel();
  readonly graphqlDuration: Histogram<'operation' | 'operation_type' | 'outcome'>;
  readonly graphqlErrors: Counter<'code'>;
  readonly httpResponses: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;

  constructor(readonly component: string) {
    this.registry = new Registry();
    this.registry.setDefaultLabels({ component });
    collectDefaultMetrics({ register: this.registry });
    this.graphqlDuration = new Histogram({
      name: 'civgrid_graphql_operation_duration_seconds',
      help: 'GraphQL operations from request to response, by operation name (anonymous, other when not kept), type and outcome',
      labelNames: ['operation', 'operation_type', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers: [this.registry],
    });
    this.graphqlErrors = new Counter({
      name: 'civgrid_graphql_errors_total',
      help: 'Errors in GraphQL responses by code',
      labelNames: ['code'],
      registers: [this.registry],
    });
    this.httpResponses = new Counter({
      name: 'civgrid_http_responses_total',
      help: 'HTTP responses by method, route (known prefixes, else other) and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'civgrid_http_request_duration_seconds',
      help: 'HTTP requests from first byte to response finished, by method and route',
      labelNames: ['method', 'route'],
      buckets: DURATION_BUCKETS,
      registers: [this.registry],
    });
  }

  /** The text a Prometheus scrape reads. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
export const methodLabel = (method: string): string => (METHODS.has(method) ? method : 'OTHER');
