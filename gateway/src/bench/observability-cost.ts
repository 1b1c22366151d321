import 'reflect-metadata';
import { createServer, Server } from 'node:http';
import { Role } from '@civgrid/auth';
import { dataOf, gql } from '@civgrid/testing';
import { GatewayProcess, startGatewayProcess } from '../gateway-process';
import { createTree, registerDwellings, waitForReplica } from '../scenario';
import { Stack, startStack } from '../stack';
import { latencies, ms, percentile } from './stats';

// node scripts/civgrid.mjs bench observability-cost — the cross-subgraph query through two copies of
// the system side by side: A with tracing (every span exported over OTLP/HTTP to a receiver here)
// and metrics on, B with both off (METRICS_ENABLED=false, no OTEL_*). Measured in turns, A B A B.

const ROUNDS = 8;
const PER_ROUND = 400;
const IN_FLIGHT = 8;

interface Side {
  name: string;
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

async function side(name: string, env: Record<string, string>): Promise<Side> {
  const stack = await startStack(`cost-${name}`, {}, ['grid-organisation', 'population-registry'], { serviceEnv: env });
  const gateway = await startGatewayProcess(stack, { ...env, NODE_ENV: 'production' });
  const token = await stack.token({ roles: [Role.ADMIN] });
  const { gridIds } = await createTree(gateway.url, token, 20);
  await waitForReplica(stack, 'population-registry', gridIds);
  await registerDwellings(gateway.url, token, gridIds, 5);
  return { name, stack, gateway, token, gridIds, rates: [], latencies: [] };
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
  const on = await side('on', {
    METRICS_ENABLED: 'true',
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    OTEL_TRACES_SAMPLER: 'always_on',
  });
  const off = await side('off', { METRICS_ENABLED: 'false', OTEL_SDK_DISABLED: 'true' });
  try {
    await turn(on, false); // warm-up of both, not counted
    await turn(off, false);
    for (let round = 0; round < ROUNDS; round++) {
      await turn(on, true);
      await turn(off, true);
    }
    const total = (rates: number[]): number => rates.reduce((a, b) => a + b, 0) / rates.length;
    for (const s of [on, off]) {
      console.log(
        `${s.name === 'on' ? 'tracing + metrics ON ' : 'tracing + metrics OFF'}: ${s.rates.map((r) => r.toFixed(0)).join(', ')} req/s ` +
          `(mean ${total(s.rates).toFixed(0)}), p50 ${ms(percentile(s.latencies, 50))}, p99 ${ms(percentile(s.latencies, 99))}`,
      );
    }
    const ratio = total(on.rates) / total(off.rates);
    // Each turn of A next to the B right after it: the machine's load changes less within a pair.
    const pairs = on.rates.map((r, i) => r / off.rates[i]);
    const pairMedian = percentile(pairs, 50);
    console.log(
      `throughput on/off: mean ${ratio.toFixed(3)}, median of the ${pairs.length} A/B pairs ${pairMedian.toFixed(3)} ` +
        `(cost ${((1 - pairMedian) * 100).toFixed(1)} %); ${ROUNDS}×${PER_ROUND} requests a side, ${IN_FLIGHT} in flight, ` +
        `gateway + 2 subgraphs each, A B A B; ${spansReceived} OTLP exports received`,
    );
  } finally {
    await on.gateway.stop();
    await off.gateway.stop();
    await on.stack.stop();
    await off.stack.stop();
    sink.server.close();
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
