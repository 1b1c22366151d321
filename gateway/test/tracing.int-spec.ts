import { createServer, Server } from 'node:http';
import { Role } from '@civgrid/auth';
import { dataOf, eventually, gql, readTopic } from '@civgrid/testing';
import { GatewayProcess, startGatewayProcess } from '../src/gateway-process';
import { createTree, registerDwellings, waitForReplica } from '../src/scenario';
import { startStack, Stack } from '../src/stack';

// Traces through the real processes: the gateway and both subgraphs run from their builds with
// tracing switched on by the standard OTEL_* variables alone, exporting OTLP/JSON to a receiver in
// this test that keeps the spans in memory.

interface Span {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

const spans: Span[] = [];
let receiver: Server;
let gatewayProcess: GatewayProcess | undefined;
let stack: Stack;
let url: string;
let admin: string;

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
const valueOf = (v: AnyValue): unknown => v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;
const attrs = (list: { key: string; value: AnyValue }[] = []): Record<string, unknown> =>
  Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

function startReceiver(): Promise<string> {
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      type Otlp = {
        resourceSpans?: {
          resource?: { attributes?: { key: string; value: AnyValue }[] };
          scopeSpans?: {
            spans?: {
              traceId: string;
              spanId: string;
              parentSpanId?: string;
              name: string;
              kind: number;
              attributes?: { key: string; value: AnyValue }[];
            }[];
          }[];
        }[];
      };
      const parsed = JSON.parse(body || '{}') as Otlp;
      for (const rs of parsed.resourceSpans ?? []) {
        const service = String(attrs(rs.resource?.attributes)['service.name']);
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans ?? [])
            spans.push({
              service,
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId || undefined,
              name: s.name,
              kind: s.kind,
              attributes: attrs(s.attributes),
            });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    receiver.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(receiver.address() as { port: number }).port}`)),
  );
}

beforeAll(async () => {
  const endpoint = await startReceiver();
  const otel = {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  stack = await startStack('tracing', {}, ['grid-organisation', 'population-registry'], { serviceEnv: otel });
  gatewayProcess = await startGatewayProcess(stack, otel);
  url = gatewayProcess.url;
  admin = await stack.token({ roles: [Role.ADMIN] });
}, 120_000);

afterAll(async () => {
  await gatewayProcess?.stop();
  await stack?.stop();
  await new Promise((r) => receiver?.close(r));
});

/** The spans of the trace whose gateway request ran `operation`, once `done` holds for them. */
async function traceOf(operation: string, done: (trace: Span[]) => boolean): Promise<Span[]> {
  return eventually(
    async () => {
      const root = spans.find((s) => s.name === 'gateway.request' && s.attributes['graphql.operation.name'] === operation);
      if (!root) return undefined;
      const trace = spans.filter((s) => s.traceId === root.traceId);
      return done(trace) ? trace : undefined;
    },
    30_000,
    200,
  );
}

/** Every span's parent is in the trace, but for the one root: a single tree. */
function expectOneTree(trace: Span[]): void {
  const ids = new Set(trace.map((s) => s.spanId));
  const roots = trace.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
  expect(roots.map((s) => `${s.service}: ${s.name}`)).toHaveLength(1);
  expect(roots[0].service).toBe('civgrid-gateway');
}

const SPAN_KIND = { SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 };

describe('traces from the gateway to the last consumer', () => {
  it('a mutation that raises an event: gateway → subgraph → SQL → outbox → relay → consumer handler, in one trace', async () => {
    const tree = await createTree(url, admin, 1);
    await waitForReplica(stack, 'population-registry', tree.gridIds);
    const code = `B${tree.district.code.slice(0, 6)}tr`;
    const created = dataOf(
      await gql<{ createGrid: { id: string } }>(
        url,
        `mutation TraceGrid($input: CreateGridInput!) { createGrid(input: $input) { id } }`,
        { input: { code, name: '追踪网格', kind: 'BASIC', areaId: tree.village.id, parentGridId: tree.gridIds[0] } },
        admin,
      ),
    ).createGrid;
    await waitForReplica(stack, 'population-registry', [created.id]);

    const trace = await traceOf('TraceGrid', (t) =>
      t.some((s) => s.service === 'civgrid-population-registry' && s.kind === SPAN_KIND.CONSUMER && s.attributes['messaging.message.id']),
    );
    // Let the consumer's own SQL spans arrive too.
    await new Promise((r) => setTimeout(r, 500));
    const all = spans.filter((s) => s.traceId === trace[0].traceId);
    const by = (service: string) => all.filter((s) => s.service === `civgrid-${service}`);

    expect(by('gateway').map((s) => s.name)).toEqual(expect.arrayContaining(['gateway.request', 'gateway.plan', 'gateway.fetch']));
    const grid = by('grid-organisation');
    expect(grid.some((s) => s.kind === SPAN_KIND.SERVER)).toBe(true);
    expect(grid.some((s) => s.name.startsWith('graphql.'))).toBe(true);
    const outboxInsert = grid.find((s) => sqlOf(s).startsWith('INSERT INTO outbox'));
    expect(outboxInsert).toBeDefined();
    const publish = grid.find((s) => s.kind === SPAN_KIND.PRODUCER);
    expect(publish).toMatchObject({
      name: `publish ${stack.prefix}civgrid.grid.events`,
      attributes: expect.objectContaining({ 'messaging.system': 'kafka' }),
    });
    const consume = by('population-registry').find((s) => s.kind === SPAN_KIND.CONSUMER)!;
    expect(consume.parentSpanId).toBe(publish!.spanId);
    expect(consume.attributes['messaging.message.id']).toBe(publish!.attributes['messaging.message.id']);
    // The handler's SQL (the replica row, the inbox row) inside the consumer's span.
    const handlerSql = by('population-registry').filter((s) => s.parentSpanId === consume.spanId || isUnder(all, s, consume.spanId));
    expect(handlerSql.map(sqlOf)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^INSERT INTO inbox/), expect.stringMatching(/^INSERT INTO grid_replica/)]),
    );
    expectOneTree(all);

    // On Kafka the event carries its trace as the CloudEvents distributed-tracing extension.
    const messages = await readTopic(stack.services['grid-organisation'].topic('grid'), (m) => m.some((x) => x.key === created.id));
    const envelope = messages.find((m) => m.key === created.id)!.value as { traceparent?: string; id: string };
    expect(envelope.traceparent).toMatch(new RegExp(`^00-${all[0].traceId}-[0-9a-f]{16}-01$`));
    expect(envelope.id).toBe(publish!.attributes['messaging.message.id']);
  });

  it('a query across subgraphs: gateway → both subgraphs → their SQL, in one trace; variables are not recorded', async () => {
    const tree = await createTree(url, admin, 2);
    await waitForReplica(stack, 'population-registry', tree.gridIds);
    await registerDwellings(url, admin, tree.gridIds, 1);
    const secret = tree.village.path;
    const res = await gql(
      url,
      `query TraceCross($p: String!) { grids(underPath: $p) { edges { node { id dwellings { edges { node { id grid { name } } } } } } } }`,
      { p: secret },
      admin,
    );
    expect(res.errors).toBeUndefined();
    const trace = await traceOf(
      'TraceCross',
      (t) =>
        t.some((s) => s.service === 'civgrid-population-registry' && isSql(s)) &&
        t.filter((s) => s.service === 'civgrid-grid-organisation' && s.kind === SPAN_KIND.SERVER).length >= 2,
    );
    await new Promise((r) => setTimeout(r, 300));
    const all = spans.filter((s) => s.traceId === trace[0].traceId);
    expect(all.filter((s) => s.name === 'gateway.fetch').length).toBeGreaterThanOrEqual(3);
    for (const service of ['grid-organisation', 'population-registry']) {
      const mine = all.filter((s) => s.service === `civgrid-${service}`);
      expect({ service, server: mine.some((s) => s.kind === SPAN_KIND.SERVER) }).toEqual({ service, server: true });
      expect({ service, sql: mine.some((s) => isSql(s)) }).toEqual({ service, sql: true });
    }
    expectOneTree(all);
    expect(JSON.stringify(all)).not.toContain(secret);
  });
});

// pg's spans follow the database semantic conventions (db.system.name, db.query.text; older: db.system, db.statement).
const sqlOf = (s: Span): string => {
  const text = s.attributes['db.query.text'] ?? s.attributes['db.statement'];
  return typeof text === 'string' ? text : '';
};
const isSql = (s: Span): boolean => (s.attributes['db.system.name'] ?? s.attributes['db.system']) === 'postgresql' && sqlOf(s) !== '';

function isUnder(all: Span[], span: Span, ancestor: string): boolean {
  const byId = new Map(all.map((s) => [s.spanId, s]));
  for (let p = span.parentSpanId; p; p = byId.get(p)?.parentSpanId) if (p === ancestor) return true;
  return false;
}
