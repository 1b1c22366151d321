import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Role } from '@civgrid/auth';
import { dataOf, eventually, gql, query } from '@civgrid/testing';
import { createTree, waitForReplica } from '../scenario';
import { startStack } from '../stack';
import { latencies, median, ms, percentile } from './stats';

// node gateway/dist/bench/incident-reporting.js (under civgrid-infra run): reporting throughput through
// the gateway (each report one transaction with its outbox row, relayed to Kafka), and one grid's
// open incidents page through the gateway. BENCH_INCIDENTS (default 2000) sets the number of reports per run.

const REPORT = `mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { id } }`;
const DRAIN_TIMEOUT_MS = 120_000;
const PAGE = `query($id: ID!) { grid(id: $id) { name incidents(open: true, first: 50) { totalCount edges { node { id number status priority escalationLevel overdue reportedAt } } } } }`;

async function main(): Promise<void> {
  const stack = await startStack('bench-incident', {}, ['grid-organisation', 'incident-reporting']);
  try {
    const admin = await stack.token({ roles: [Role.ADMIN] });
    const tree = await createTree(stack.url, admin, 2);
    await waitForReplica(stack, 'incident-reporting', tree.gridIds);
    const [gridId, other] = tree.gridIds;
    const svc = stack.services['incident-reporting'];
    const report =
      (grid: string, url = stack.url) =>
      async () => {
        dataOf(
          await gql(
            url,
            REPORT,
            { input: { gridId: grid, title: '楼顶太阳能未拆除', category: 'PROPERTY_MANAGEMENT', idempotencyKey: randomUUID() } },
            admin,
          ),
        );
      };

    // Warm up (JIT, pools), not counted.
    await latencies(200, 16, report(other));

    const N = Number(process.env['BENCH_INCIDENTS'] ?? 2000);
    const CONCURRENCY = 32;
    const t0 = performance.now();
    const reportLatencies = await latencies(N, CONCURRENCY, report(gridId));
    const seconds = (performance.now() - t0) / 1000;
    // The outbox is drained when every event reached Kafka. A relay that never drains it is a failure
    // of what this measures: stop with how many events are still waiting, never print a figure for it.
    const waiting = async () =>
      (await query<{ n: number }>(svc.db.url, `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`))[0].n;
    await eventually(async () => ((await waiting()) === 0 ? true : undefined), DRAIN_TIMEOUT_MS).catch(async () => {
      throw new Error(`the outbox did not drain within ${DRAIN_TIMEOUT_MS / 1000} s: ${await waiting()} events still unpublished`);
    });
    const relayed = (performance.now() - t0) / 1000;

    // The same straight to the subgraph: what the service itself costs, without the gateway hop.
    const t1 = performance.now();
    const directLatencies = await latencies(N, CONCURRENCY, report(other, svc.url));
    const directSeconds = (performance.now() - t1) / 1000;

    // A grid with 2,000 open incidents (the other grid has its own): the first page of open ones.
    await latencies(50, 4, async () => {
      dataOf(await gql(stack.url, PAGE, { id: gridId }, admin));
    });
    const pageLatencies = await latencies(500, 8, async () => {
      dataOf(await gql(stack.url, PAGE, { id: gridId }, admin));
    });

    const out = [
      `reporting: ${N} incidents through the gateway, ${CONCURRENCY} in flight: ${(N / seconds).toFixed(0)} incidents/s committed with outbox ` +
        `(p50 ${ms(median(reportLatencies))}, p99 ${ms(percentile(reportLatencies, 99))}); all events relayed to Kafka after ${relayed.toFixed(1)} s`,
      `reporting straight to the subgraph (no gateway), same load: ${(N / directSeconds).toFixed(0)} incidents/s ` +
        `(p50 ${ms(median(directLatencies))}, p99 ${ms(percentile(directLatencies, 99))})`,
      `grid open incidents page (first 50 of ${N} open, through the gateway, 8 in flight, 500 requests): p50 ${ms(median(pageLatencies))}, p99 ${ms(percentile(pageLatencies, 99))}`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
