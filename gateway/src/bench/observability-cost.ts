import 'reflect-metadata';
import { createServer, Server } from 'node:http';
import { Role } from '@civgrid/auth';
import { enabledInstrumentations, INSTRUMENTATIONS } from '@civgrid/telemetry';
import { dataOf, gql } from '@civgrid/testing';
import { GatewayProcess, startGatewayProcess } from '../gateway-process';
import { createTree, registerDwellings, waitForReplica } from '../scenario';
import { Stack, startStack } from '../stack';
import { latencies, ms, percentile } from './stats';

// node scripts/civgrid.mjs bench observability-cost — the cross-subgraph query through copies of the
// system side by side: both off (METRICS_ENABLED=false, OTEL_SDK_DISABLED=true), metrics only,
// metrics with tracing as documented (the default instrumentations) exporting every trace over
// OTLP/HTTP to a receiver here, the same with one trace in ten decided at the gateway (ParentBased
// head sampling), and two sides that show where the rest goes: tracing with no instrumentation at
// all (the SDK, its AsyncLocalStorage context manager and Apollo Gateway's own spans) and every
// instrumentation this package has (Express route and GraphQL resolver spans too). Measured in
// turns, A B C D E F A B C D E F; each line says what is on in that side.

const ROUNDS = 8;
const PER_ROUND = 400;
const IN_FLIGHT = 8;

interface Side {
  name: string;
  on: string;
  stack: Stack;
  gateway: GatewayProcess;
  token: string;
  gridIds: string[];
  rates: number[];
  latencies: number[];
}

let spansReceived = 0;
function startSink(): Promise<{ url: string; server: Server }> {
  // Takes every export and throws it away: the cost measured is the services', not a collector's.
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      spansReceived += bytes > 0 ? 1 : 0;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server })),
  );
}

/** What a side has on, from the variables it runs with (the same code the services read them with). */
function describe(env: Record<string, string>): string {
  const metrics = env['METRICS_ENABLED'] === 'true' ? 'metrics' : 'no metrics';
  if (env['OTEL_SDK_DISABLED'] === 'true') return `${metrics}; tracing off`;
  const list = enabledInstrumentations(env);
  const sampler = env['OTEL_TRACES_SAMPLER'] + (env['OTEL_TRACES_SAMPLER_ARG'] ? ` ${env['OTEL_TRACES_SAMPLER_ARG']}` : '');
  return `${metrics}; tracing, sampler ${sampler}, instrumentations ${list.length ? list.join(',') : 'none'}`;
}

async function side(name: string, env: Record<string, string>): Promise<Side> {
  const stack = await startStack(`cost-${name.replace(/[^a-z0-9]+/gi, '-')}`, {}, ['grid-organisation', 'population-registry'], {
    serviceEnv: env,
  });
  const gateway = await startGatewayProcess(stack, { ...env, NODE_ENV: 'production' });
  const token = await stack.token({ roles: [Role.ADMIN] });
  const { gridIds } = await createTree(gateway.url, token, 20);
  await waitForReplica(stack, 'population-registry', gridIds);
  await registerDwellings(gateway.url, token, gridIds, 5);
  return { name, on: describe(env), stack, gateway, token, gridIds, rates: [], latencies: [] };
}

const CROSS = `query Cross($g: ID!) { dwellings(gridId: $g, first: 5) { edges { node { id grid { id name area { name } } } } } }`;

async function turn(s: Side, record: boolean): Promise<void> {
  const t0 = performance.now();
  const lat = await latencies(PER_ROUND, IN_FLIGHT, async () => {
    dataOf(await gql(s.gateway.url, CROSS, { g: s.gridIds[Math.floor(Math.random() * s.gridIds.length)] }, s.token));
  });
  if (!record) return;
  s.rates.push(PER_ROUND / ((performance.now() - t0) / 1000));
  s.latencies.push(...lat);
}

async function main(): Promise<void> {
  const sink = await startSink();
  const traced = (sampler: Record<string, string>) => ({ METRICS_ENABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, ...sampler });
  // The baseline first; each other side's turns are compared with the baseline turn of their round.
  const configs: [string, Record<string, string>][] = [
    ['both off', { METRICS_ENABLED: 'false', OTEL_SDK_DISABLED: 'true' }],
    ['metrics only', { METRICS_ENABLED: 'true', OTEL_SDK_DISABLED: 'true' }],
    ['metrics + every trace', traced({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' })],
    // Head sampling, one trace in ten, decided at the gateway: what exporting costs next to what instrumenting costs.
    ['metrics + 10 % of traces', traced({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' })],
    // Diagnostics, not configurations to run: the floor (no instrumentation) and the ceiling (all of them).
    ['trace floor: no instr.', traced({ OTEL_TRACES_SAMPLER: 'parentbased_always_on', OTEL_NODE_ENABLED_INSTRUMENTATIONS: '' })],
    [
      'every instrumentation',
      traced({ OTEL_TRACES_SAMPLER: 'parentbased_always_on', OTEL_NODE_ENABLED_INSTRUMENTATIONS: INSTRUMENTATIONS.join(',') }),
    ],
  ];
  const sides: Side[] = [];
  try {
    for (const [name, env] of configs) sides.push(await side(name, env));
    for (const s of sides) await turn(s, false); // warm-up, not counted
    for (let round = 0; round < ROUNDS; round++) for (const s of sides) await turn(s, true);
    const [base] = sides;
    const mean = (rates: number[]): number => rates.reduce((a, b) => a + b, 0) / rates.length;
    for (const s of sides) {
      const pairs = s.rates.map((r, i) => r / base.rates[i]);
      console.log(
        `${s.name.padEnd(24)}: ${s.rates.map((r) => r.toFixed(0)).join(', ')} req/s (mean ${mean(s.rates).toFixed(0)}), ` +
          `p50 ${ms(percentile(s.latencies, 50))}, p99 ${ms(percentile(s.latencies, 99))}` +
          (s === base
            ? ' (baseline)'
            : `; vs baseline: median of the ${pairs.length} pairs ${percentile(pairs, 50).toFixed(3)} (cost ${((1 - percentile(pairs, 50)) * 100).toFixed(1)} %)`) +
          `\n${''.padEnd(26)}[${s.on}]`,
      );
    }
    console.log(
      `${ROUNDS}×${PER_ROUND} requests a side, ${IN_FLIGHT} in flight (the machine saturated: the cost shows as throughput), ` +
        `gateway + 2 subgraphs each, sides in turns; ${spansReceived} OTLP exports received`,
    );
  } finally {
    for (const s of sides) {
      await s.gateway.stop();
      await s.stack.stop();
    }
    sink.server.close();
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
