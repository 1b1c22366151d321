import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * Tracing is on only when the standard variables ask for it: an OTLP endpoint
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) or an explicit
 * `OTEL_TRACES_EXPORTER` (e.g. `console` in development); `OTEL_SDK_DISABLED=true` wins.
 */
export function tracingWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['OTEL_SDK_DISABLED'] === 'true') return false;
  const exporter = env['OTEL_TRACES_EXPORTER'];
  if (exporter && exporter !== 'none') return true;
  return Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) && exporter !== 'none';
}

/** The package name of the script being run (`@civgrid/gateway` → `civgrid-gateway`). */
function serviceNameOfMain(): string | undefined {
  let dir = process.argv[1] ? dirname(process.argv[1]) : undefined;
  for (let i = 0; dir && i < 4; i++, dir = dirname(dir)) {
    try {
      const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (name) return name.replace(/^@/, '').replace(/\//g, '-');
    } catch {
      // not here: one folder up
    }
  }
  return undefined;
}

let started: NodeSDK | undefined;

/**
 * Starts the OpenTelemetry SDK with the HTTP, Express, GraphQL and pg instrumentations, all
 * configured by the standard OTEL_* variables. Must run before express, graphql and pg are
 * loaded (the services' and the gateway's main.js import `@civgrid/telemetry/register` first).
 * Prometheus carries the metrics, so OTel metrics and logs stay off unless asked for.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): NodeSDK | undefined {
  if (started || !tracingWanted(env)) return started;
  env['OTEL_METRICS_EXPORTER'] ??= 'none';
  env['OTEL_LOGS_EXPORTER'] ??= 'none';
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const { NodeSDK: SDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { ExpressInstrumentation, ExpressLayerType } =
    require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
  const { GraphQLInstrumentation } =
    require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sdk = new SDK({
    serviceName: env['OTEL_SERVICE_NAME'] ?? serviceNameOfMain() ?? 'civgrid',
    instrumentations: [
      new HttpInstrumentation({
        // Scrapes and probes would drown the traces that matter.
        ignoreIncomingRequestHook: (req) => /^\/(metrics|health)(\/|$|\?)/.test(req.url ?? ''),
      }),
      // Route handlers only: a span per body parser and middleware is noise, and costs.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      // Variables are never recorded (allowValues stays false). Resolver spans for the root fields
      // only (queries, mutations, _entities): a span per nested field costs more than it tells.
      new GraphQLInstrumentation({ ignoreTrivialResolveSpans: true, mergeItems: true, depth: 1 }),
      // Every statement, without its parameters; pool check-outs are not worth a span each.
      new PgInstrumentation({ enhancedDatabaseReporting: false, ignoreConnectSpans: true }),
    ],
  });
  sdk.start();
  started = sdk;
  // No signal handlers here (they would keep Nest's re-raised SIGTERM from ending the process):
  // each main calls stopTracing() on its way out, and the batch processor flushes meanwhile.
  process.once('beforeExit', () => void stopTracing());
  return sdk;
}

/** Flushes and stops tracing (before a graceful exit). */
export async function stopTracing(): Promise<void> {
  const sdk = started;
  started = undefined;
  await sdk?.shutdown().catch(() => undefined);
}
