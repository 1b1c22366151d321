import { Role } from '@civgrid/auth';
import { dataOf, gql, query } from '@civgrid/testing';
import { createTree, waitForReplica } from '../scenario';
import { startStack } from '../stack';
import { latencies, ms, percentile } from './stats';

// node gateway/dist/bench/mediation-open-disputes.js (DATABASE_URL and KAFKA_BROKERS of a test infra):
// a district officer's open-disputes page through the gateway, with 10,000 disputes in the district
// (7 in 10 open) and 10,000 more in another district the officer must not see, each page also
// asking grid-organisation for every dispute's grid name.
const DISPUTES = 10_000;
const GRIDS = 20;
const REQUESTS = 1000;

const PAGE = `query($after: String) {
  disputes(open: true, first: 50, after: $after) {
    totalCount
    edges { node { id number kind status level registeredAt grid { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
interface Page {
  disputes: {
    totalCount: number;
    edges: { node: { id: string; grid: { name: string } } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

async function main(): Promise<void> {
  const stack = await startStack('bench-mediation', {}, ['grid-organisation', 'dispute-mediation']);
  try {
    const admin = await stack.token({ roles: [Role.ADMIN] });
    const mine = await createTree(stack.url, admin, GRIDS);
    const theirs = await createTree(stack.url, admin, GRIDS);
    await waitForReplica(stack, 'dispute-mediation', [...mine.gridIds, ...theirs.gridIds]);
    const db = stack.services['dispute-mediation'].db.url;

    // At database speed: one multi-row INSERT … SELECT per district, spread over its grids and the last year.
    const t0 = performance.now();
    for (const [n, tree] of [mine, theirs].entries()) {
      await query(
        db,
        `INSERT INTO dispute (id, number, kind, summary, origin, level, status, grid_id, grid_path, registered_by, registered_at, outcome, closed_at)
         SELECT gen_random_uuid(), 'TJ-' || (2020 + $3::int) || '-' || lpad(i::text, 6, '0'),
           (ARRAY['FAMILY','NEIGHBOURHOOD','PROPERTY_MANAGEMENT','HOUSING_SALES','LAND_REQUISITION','LABOUR','CONTRACT','OTHER'])[1 + i % 8]::dispute_kind,
           '邻里纠纷 ' || i, 'WALK_IN', (ARRAY['VILLAGE','VILLAGE','TOWN','DISTRICT'])[1 + i % 4]::dispute_level,
           s.status, g.id, g.path, 'bench', now() - make_interval(secs => i * 3000),
           CASE WHEN s.status = 'CLOSED' THEN 'AGREEMENT' END, CASE WHEN s.status = 'CLOSED' THEN now() END
         FROM generate_series(1, $2::int) AS i
         CROSS JOIN LATERAL (SELECT (ARRAY['REGISTERED','ACCEPTED','IN_MEDIATION','AGREEMENT_REACHED','MEDIATION_FAILED','REGISTERED','IN_MEDIATION','CLOSED','CLOSED','CLOSED'])[1 + i % 10] AS status) s
         JOIN grid_replica g ON g.id = ($1::uuid[])[1 + i % array_length($1::uuid[], 1)]`,
        [tree.gridIds, DISPUTES, n],
      );
    }
    await query(db, 'ANALYZE dispute');
    console.log(`inserted ${2 * DISPUTES} disputes (two districts, ${GRIDS} grids each) in ${ms(performance.now() - t0)}`);

    const officer = await stack.token({ roles: [Role.DISTRICT_OFFICER], areas: [mine.district.path], sub: 'district-officer' });
    const page = async (after: string | null): Promise<Page> => dataOf(await gql<Page>(stack.url, PAGE, { after }, officer));
    const first = await page(null);
    if (first.disputes.totalCount !== DISPUTES * 0.7)
      throw new Error(`expected ${DISPUTES * 0.7} open disputes, got ${first.disputes.totalCount}`);
    if (first.disputes.edges.length !== 50 || first.disputes.edges.some((e) => !e.node.grid.name)) throw new Error('page incomplete');
    const cursor = first.disputes.pageInfo.endCursor;
    for (let i = 0; i < 100; i++) await page(i % 2 ? cursor : null); // warm-up

    // Baseline: the same page from the subgraph directly (no grid names), alternated with the gateway.
    const SUBGRAPH_PAGE = PAGE.replace(' grid { id name }', '');
    const direct = async (): Promise<void> =>
      void dataOf(await gql<Page>(stack.services['dispute-mediation'].url, SUBGRAPH_PAGE, { after: null }, officer));
    const viaGateway: number[] = [];
    const viaSubgraph: number[] = [];
    for (let round = 0; round < 4; round++) {
      viaGateway.push(...(await latencies(REQUESTS / 4, 1, async () => void (await page(null)))));
      viaSubgraph.push(...(await latencies(REQUESTS / 4, 1, direct)));
    }
    console.log(
      `baseline, alternated: gateway (with grid names) p50 ${ms(percentile(viaGateway, 50))}, p99 ${ms(percentile(viaGateway, 99))}; ` +
        `subgraph alone (no grid names) p50 ${ms(percentile(viaSubgraph, 50))}, p99 ${ms(percentile(viaSubgraph, 99))}`,
    );

    for (const concurrency of [1, 8]) {
      const firstPage = await latencies(REQUESTS, concurrency, async () => void (await page(null)));
      const deeper = await latencies(REQUESTS, concurrency, async () => void (await page(cursor)));
      console.log(
        `open-disputes page (50 of ${first.disputes.totalCount}, with totalCount and grid names), ${REQUESTS} requests, ${concurrency} in flight: ` +
          `first page p50 ${ms(percentile(firstPage, 50))}, p99 ${ms(percentile(firstPage, 99))}; second page p50 ${ms(percentile(deeper, 50))}, p99 ${ms(percentile(deeper, 99))}`,
      );
    }
    const plan = await query<{ 'QUERY PLAN': string }>(
      db,
      `EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF, SUMMARY ON) SELECT id FROM dispute WHERE grid_path <@ $1::ltree[] AND status NOT IN ('CLOSED', 'WITHDRAWN') ORDER BY registered_at DESC, id DESC LIMIT 51`,
      [[mine.district.path]],
    );
    console.log(
      `page query plan: ${plan
        .map((r) => r['QUERY PLAN'].trim())
        .filter((l) => /Scan|Execution/.test(l))
        .join(' | ')}`,
    );
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
