import { BoundedLabel, CoreMetrics, outcomeOf, routeLabel } from './metrics';
import { enabledInstrumentations, tracingWanted } from './tracing';

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
