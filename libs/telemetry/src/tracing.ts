import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Context, context, Span, SpanOptions, trace, TraceFlags, Tracer } from '@opentelemetry/api';
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

/** The instrumentations this package knows, by the names `OTEL_NODE_*_INSTRUMENTATIONS` use. */
export const INSTRUMENTATIONS = ['http', 'graphql', 'pg', 'express', 'graphql-resolvers'] as const;
export type InstrumentationName = (typeof INSTRUMENTATIONS)[number];

/**
 * On unless asked otherwise: HTTP (server spans, and the client spans that carry `traceparent`),
 * GraphQL (parse, validate, execute) and pg (every statement). Express route spans and GraphQL
 * resolver spans are off: they repeat what the HTTP and execute spans say, and they are what costs
 * on every request, sampled or not (`bench observability-cost`).
 */
export const DEFAULT_INSTRUMENTATIONS: readonly InstrumentationName[] = ['http', 'graphql', 'pg'];

/**
 * Which instrumentations to load: `OTEL_NODE_ENABLED_INSTRUMENTATIONS` (a comma list, replacing the
 * default set) minus `OTEL_NODE_DISABLED_INSTRUMENTATIONS` — the variables of
 * @opentelemetry/auto-instrumentations-node, with the names above. Unknown names are ignored.
 */
export function enabledInstrumentations(env: NodeJS.ProcessEnv = process.env): InstrumentationName[] {
  const list = (value: string | undefined): string[] | undefined =>
    value === undefined ? undefined : value.split(',').map((n) => n.trim().replace(/^@opentelemetry\/instrumentation-/, ''));
  const enabled = list(env['OTEL_NODE_ENABLED_INSTRUMENTATIONS']) ?? DEFAULT_INSTRUMENTATIONS;
  const disabled = new Set(list(env['OTEL_NODE_DISABLED_INSTRUMENTATIONS']) ?? []);
  return INSTRUMENTATIONS.filter((name) => enabled.includes(name) && !disabled.has(name));
}

const PATCHED = Symbol.for('civgrid.unsampled-children');

/**
 * With a parent-based sampler (the default), a span whose parent is not sampled is not recorded
 * either; the SDK still makes a span id, copies the attributes and asks the sampler for each one,
 * which is most of what an unsampled request pays for spans. This hands back the parent's own
 * non-recording span instead (patching the SDK tracer's class once): the trace id and the
 * "not sampled" flag that propagate downstream are the same; only an id no one records is saved.
 */
export function skipUnsampledChildren(sdkTracer: Tracer): void {
  const proto = Object.getPrototypeOf(sdkTracer) as Tracer & { [PATCHED]?: true };
  if (proto[PATCHED]) return;
  const startSpan = proto.startSpan;
  proto.startSpan = function (this: Tracer, name: string, options?: SpanOptions, ctx: Context = context.active()): Span {
    const parent = options?.root ? undefined : trace.getSpan(ctx);
    // A parent with an invalid context starts a new trace in the SDK: left to it.
    if (
      parent &&
      !parent.isRecording() &&
      (parent.spanContext().traceFlags & TraceFlags.SAMPLED) === 0 &&
      trace.isSpanContextValid(parent.spanContext())
    ) {
      return parent;
    }
    return startSpan.call(this, name, options, ctx);
  };
  proto[PATCHED] = true;
}

let started: NodeSDK | undefined;

/**
 * Starts the OpenTelemetry SDK with the instrumentations `enabledInstrumentations` names, all
 * configured by the standard OTEL_* variables. Must run before express, graphql and pg are
 * loaded (the services' and the gateway's main.js import `@civgrid/telemetry/register` first).
 * Prometheus carries the metrics, so OTel metrics and logs stay off unless asked for.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): NodeSDK | undefined {
  if (started || !tracingWanted(env)) return started;
  env['OTEL_METRICS_EXPORTER'] ??= 'none';
  env['OTEL_LOGS_EXPORTER'] ??= 'none';
  const on = new Set(enabledInstrumentations(env));
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const { NodeSDK: SDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const instrumentations: NonNullable<ConstructorParameters<typeof SDK>[0]>['instrumentations'] = [];
  if (on.has('http')) {
    const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
    instrumentations.push(
      new HttpInstrumentation({
        // Scrapes and probes would drown the traces that matter.
        ignoreIncomingRequestHook: (req) => /^\/(metrics|health)(\/|$|\?)/.test(req.url ?? ''),
      }),
    );
  }
  if (on.has('express')) {
    const { ExpressInstrumentation, ExpressLayerType } =
      require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
    // Route handlers only: a span per body parser and middleware is noise, and costs.
    instrumentations.push(new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }));
  }
  if (on.has('graphql') || on.has('graphql-resolvers')) {
    const { GraphQLInstrumentation } =
      require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');
    // Variables are never recorded (allowValues stays false). Resolver spans, when asked for, for
    // the root fields only (queries, mutations, _entities): a span per nested field costs more than
    // it tells. Without them no field resolver is wrapped at all.
    const resolvers = on.has('graphql-resolvers');
    instrumentations.push(
      new GraphQLInstrumentation({ ignoreResolveSpans: !resolvers, ignoreTrivialResolveSpans: true, mergeItems: true, depth: 1 }),
    );
  }
  if (on.has('pg')) {
    const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
    // Every statement, without its parameters; pool check-outs are not worth a span each.
    instrumentations.push(new PgInstrumentation({ enhancedDatabaseReporting: false, ignoreConnectSpans: true }));
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sdk = new SDK({ serviceName: env['OTEL_SERVICE_NAME'] ?? serviceNameOfMain() ?? 'civgrid', instrumentations });
  sdk.start();
  started = sdk;
  const sampler = env['OTEL_TRACES_SAMPLER'] ?? 'parentbased_always_on';
  if (sampler.startsWith('parentbased_')) {
    const provider = trace.getTracerProvider() as { getDelegate?: () => { getTracer(name: string): Tracer } };
    const sdkTracer = provider.getDelegate?.().getTracer('@civgrid/telemetry');
    if (sdkTracer) skipUnsampledChildren(sdkTracer);
  }
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
