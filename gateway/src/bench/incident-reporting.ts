import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Role } from '@civgrid/auth';
import { asGateway, dataOf, eventually, gql, query } from '@civgrid/testing';
import { createTree, waitForReplica } from '../scenario';
import { startStack } from '../stack';
import { alternate, latencies, p50p99, ratioP50 } from './stats';

// node gateway/dist/bench/incident-reporting.js (under civgrid-infra run): reporting throughput through
// the gateway (each report one transaction with its outbox row, relayed to Kafka), and one grid's
// open incidents page through the gateway. BENCH_INCIDENTS (default 2000) sets the number of reports per run.

const REPORT = `mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { id } }`;
const DRAIN_TIMEOUT_MS = 120_000;
const FIELDS = `incidents(open: true, first: 50) { totalCount edges { node { id number status priority escalationLevel overdue reportedAt } } }`;
const PAGE = `query($id: ID!) { grid(id: $id) { name ${FIELDS} } }`;
const ENTITIES_PAGE = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Grid { ${FIELDS} } } }`;

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
    // Through the gateway (A) and straight to the subgraph (B), in turns: the service's own cost and
    // the gateway's hop, under the same load. Each side reports into a grid of its own.
    const reporting = await alternate(4, N, CONCURRENCY, report(gridId), report(other, svc.url));
    const t0 = performance.now();
    // The outbox is drained when every event reached Kafka. A relay that never drains it is a failure
    // of what this measures: stop with how many events are still waiting, never print a figure for it.
    const waiting = async () =>
      (await query<{ n: number }>(svc.db.url, `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`))[0].n;
    const backlog = await waiting();
    await eventually(async () => ((await waiting()) === 0 ? true : undefined), DRAIN_TIMEOUT_MS).catch(async () => {
      throw new Error(`the outbox did not drain within ${DRAIN_TIMEOUT_MS / 1000} s: ${await waiting()} events still unpublished`);
    });
    const drained = (performance.now() - t0) / 1000;

    // The grid's first page of its open incidents, through the gateway (A) and as the gateway asks
    // the subgraph for it (B: the grid reference through _entities), in turns.
    const direct = async () => {
      dataOf(await gql(svc.url, ENTITIES_PAGE, { r: [{ __typename: 'Grid', id: gridId }] }, admin, asGateway(admin)));
    };
    const viaGateway = async () => {
      dataOf(await gql(stack.url, PAGE, { id: gridId }, admin));
    };
    await latencies(50, 4, viaGateway);
    await latencies(50, 4, direct);
    const page = await alternate(4, 500, 8, viaGateway, direct);

    const rate = (side: { latencies: number[]; seconds: number }) => (side.latencies.length / side.seconds).toFixed(0);
    const out = [
      `reporting, ${N} incidents each side, ${CONCURRENCY} in flight, in turns (A B A B): through the gateway ${rate(reporting.a)} incidents/s ` +
        `committed with outbox (${p50p99(reporting.a)}); straight to the subgraph ${rate(reporting.b)} incidents/s (${p50p99(reporting.b)}); ` +
        `gateway/direct p50 ${ratioP50(reporting.a, reporting.b)}`,
      `  then the relay published the ${backlog} events still waiting in ${drained.toFixed(1)} s`,
      `grid open incidents page (first 50 of ${N} open, 8 in flight, 500 requests a side, in turns): through the gateway ${p50p99(page.a)}; ` +
        `the subgraph alone (_entities) ${p50p99(page.b)}; ratio p50 ${ratioP50(page.a, page.b)}`,
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
