import { BoundedLabel, CoreMetrics, outcomeOf, routeLabel } from './metrics';
import { INVALID_SPAN_CONTEXT, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { tracing } from '@opentelemetry/sdk-node';
import { enabledInstrumentations, skipUnsampledChildren, tracingWanted } from './tracing';

describe('bounded labels', () => {
  it('keeps the first N operation names, then counts the rest as other; missing and malformed names are not kept', () => {
    const names = new BoundedLabel(3);
    expect(['A', 'B', 'C', 'D', 'A', 'E'].map((n) => names.value(n))).toEqual(['A', 'B', 'C', 'other', 'A', 'other']);
    expect(names.value(undefined)).toBe('anonymous');
    expect(names.value('')).toBe('anonymous');
    expect(new BoundedLabel().value('370911199001011234')).toBe('other'); // not a GraphQL name
    expect(new BoundedLabel().value('x'.repeat(65))).toBe('other');
  });

  it('gives a caller-invented path no series of its own', () => {
    expect(routeLabel('/graphql')).toBe('/graphql');
    expect(routeLabel('/health/ready')).toBe('/health');
    expect(routeLabel('/wp-admin/../etc/passwd')).toBe('other');
  });

  it("calls an outcome a client error only when every error is the client's", () => {
    expect(outcomeOf([])).toBe('ok');
    expect(outcomeOf(['BAD_USER_INPUT', 'NOT_FOUND'])).toBe('client_error');
    expect(outcomeOf(['BAD_USER_INPUT', 'INTERNAL_SERVER_ERROR'])).toBe('server_error');
    expect(outcomeOf([undefined])).toBe('server_error');
  });

  it('a thousand invented operation names make at most a bounded number of series', async () => {
    const metrics = new CoreMetrics('test');
    for (let i = 0; i < 1000; i++) {
      metrics.graphqlDuration.observe({ operation: metrics.operationNames.value(`Op${i}`), operation_type: 'query', outcome: 'ok' }, 0.01);
    }
    const text = (await metrics.scrape()).body;
    const series = new Set(
      [...text.matchAll(/civgrid_graphql_operation_duration_seconds_count\{[^}]*operation="([^"]+)"/g)].map((m) => m[1]),
    );
    expect(series.size).toBe(201);
    expect(series.has('other')).toBe(true);
  });
});

describe('tracing switch', () => {
  it('is off unless an OTLP endpoint or an exporter is named, and OTEL_SDK_DISABLED wins', () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(tracingWanted({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
    expect(tracingWanted({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(false);
    expect(tracingWanted({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'console' })).toBe(false);
  });
});

describe('instrumentations', () => {
  it('HTTP, GraphQL and pg by default; OTEL_NODE_ENABLED_INSTRUMENTATIONS replaces the set, OTEL_NODE_DISABLED_INSTRUMENTATIONS takes away', () => {
    expect(enabledInstrumentations({})).toEqual(['http', 'graphql', 'pg']);
    expect(enabledInstrumentations({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http, express,graphql-resolvers,pg' })).toEqual([
      'http',
      'pg',
      'express',
      'graphql-resolvers',
    ]);
    expect(enabledInstrumentations({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: '@opentelemetry/instrumentation-pg' })).toEqual([
      'http',
      'graphql',
    ]);
    expect(enabledInstrumentations({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: '' })).toEqual([]);
    expect(enabledInstrumentations({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'fs,dns' })).toEqual([]);
  });
});

describe('spans under an unsampled parent', () => {
  it('are the parent itself (same trace, not sampled, nothing recorded); under a sampled parent, real children', () => {
    const ended: string[] = [];
    const provider = new tracing.BasicTracerProvider({
      sampler: new tracing.ParentBasedSampler({ root: new tracing.AlwaysOnSampler() }),
      spanProcessors: [
        {
          onStart: () => undefined,
          onEnd: (s) => void ended.push(s.name),
          forceFlush: async () => undefined,
          shutdown: async () => undefined,
        },
      ],
    });
    const tracer = provider.getTracer('spec');
    skipUnsampledChildren(tracer);
    const remote = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', isRemote: true };
    const unsampled = trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext({ ...remote, traceFlags: TraceFlags.NONE }));
    const child = tracer.startSpan('child of unsampled', {}, unsampled);
    expect(child.isRecording()).toBe(false);
    expect(child.spanContext()).toMatchObject({ traceId: remote.traceId, traceFlags: TraceFlags.NONE });
    expect(child).toBe(trace.getSpan(unsampled)); // no span made: the SDK would have made one with an id of its own
    const sampled = trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext({ ...remote, traceFlags: TraceFlags.SAMPLED }));
    const real = tracer.startSpan('child of sampled', {}, sampled);
    expect(real.isRecording()).toBe(true);
    expect(real.spanContext()).toMatchObject({ traceId: remote.traceId, traceFlags: TraceFlags.SAMPLED });
    expect(real.spanContext().spanId).not.toBe(remote.spanId);
    // An invalid parent still starts a new, sampled trace.
    const fresh = tracer.startSpan('root', {}, trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(INVALID_SPAN_CONTEXT)));
    expect(fresh.isRecording()).toBe(true);
    child.end();
    real.end();
    fresh.end();
    expect(ended).toEqual(['child of sampled', 'root']);
  });
});
