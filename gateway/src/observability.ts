import type { GraphQLDataSource } from '@apollo/gateway';
import type { Express } from 'express';
import { Histogram } from 'prom-client';
import { CoreMetrics, DURATION_BUCKETS } from '@civgrid/telemetry';

/** The gateway's metrics: the shared ones and one histogram of subgraph fetches. */
export class GatewayMetrics {
  readonly core = new CoreMetrics('gateway');
  readonly subgraphFetch = new Histogram<'subgraph' | 'outcome'>({
    name: 'civgrid_gateway_subgraph_fetch_duration_seconds',
    help: 'Fetches from the gateway to a subgraph, by subgraph and outcome (ok, graphql_error, fetch_error)',
    labelNames: ['subgraph', 'outcome'],
    buckets: DURATION_BUCKETS,
    registers: [this.core.registry],
  });
}

/** Times every fetch a data source makes for the query plan. */
export function observeSubgraph<T extends GraphQLDataSource>(subgraph: string, source: T, metrics: GatewayMetrics | undefined): T {
  if (!metrics) return source;
  const process = source.process.bind(source);
  source.process = async (options) => {
    const started = performance.now();
    let outcome = 'fetch_error';
    try {
      const response = await process(options);
      outcome = response.errors?.length ? 'graphql_error' : 'ok';
      return response;
    } finally {
      metrics.subgraphFetch.observe({ subgraph, outcome }, (performance.now() - started) / 1000);
    }
  };
  return source;
}

/** `GET /metrics` in the Prometheus text format. */
export function mountMetrics(app: Express, metrics: GatewayMetrics | undefined): void {
  if (!metrics) return;
  app.get('/metrics', (_req, res, next) => {
    metrics.core.scrape().then(({ contentType, body }) => {
      res.setHeader('content-type', contentType);
      res.setHeader('cache-control', 'no-store');
      res.send(body);
    }, next);
  });
}

/**
 * @apollo/gateway sends its own usage data to Apollo's servers unless APOLLO_TELEMETRY_DISABLED is
 * set: a district's gateway talks to nobody outside, so it is off unless explicitly asked for.
 */
export function disableVendorTelemetry(env: NodeJS.ProcessEnv = process.env): void {
  env['APOLLO_TELEMETRY_DISABLED'] ??= 'true';
}
