import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Role } from '@civgrid/auth';
import { dataOf, gql, query } from '@civgrid/testing';
import { startStack } from '../stack';
import { latencies, ms, percentile } from './stats';

// node gateway/dist/bench/grid-descendants.js (DATABASE_URL and KAFKA_BROKERS of a test infra):
// Daiyue District seeded into a fresh database, then every descendant grid of the district fetched
// through the gateway, 200 to a page, as a district dashboard would.
const SETS = 300;
const PAGES = 1000;

const PAGE = `query($path: String!, $after: String) {
  grids(underPath: $path, first: 200, after: $after) { totalCount edges { node { id code name kind path } } pageInfo { hasNextPage endCursor } }
}`;
interface Page {
  grids: { totalCount: number; edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

async function main(): Promise<void> {
  const stack = await startStack('bench-grid', {}, ['grid-organisation']);
  try {
    const svc = stack.services['grid-organisation'];
    // The seed as an operator runs it. Only grids are read below, so the members' phones may be
    // encrypted with keys of the seed's own (the service under test has fresh ones).
    const cli = join(__dirname, '..', '..', '..', 'services', 'grid-organisation', 'dist', 'seed', 'cli.js');
    const keys = { PII_ENCRYPTION_KEY: randomBytes(32).toString('base64'), PII_HASH_KEY: randomBytes(32).toString('base64') };
    const t0 = performance.now();
    const run = spawnSync(process.execPath, [cli, '--size', 'daiyue', '--json'], {
      env: { ...process.env, ...keys, DATABASE_URL: svc.db.url },
      encoding: 'utf8',
    });
    const wallMs = performance.now() - t0;
    if (run.status !== 0) throw new Error(`seed failed: ${run.stderr}`);
    const seeded = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
      districtPath: string;
      grids: number;
      inserted: Record<string, number>;
    };
    const inner = /in (\d+) ms/.exec(run.stderr)?.[1];
    await query(svc.db.url, 'ANALYZE');
    console.log(
      `seed --size daiyue: ${seeded.inserted['areas']} areas, ${seeded.inserted['grids']} grids, ${seeded.inserted['members']} members, ${seeded.inserted['assignments']} leader assignments: ${inner} ms in the database transaction, ${ms(wallMs)} for the whole command`,
    );

    const token = await stack.token({ roles: [Role.DISTRICT_OFFICER], areas: [seeded.districtPath] });
    const page = async (after: string | null): Promise<Page> =>
      dataOf(await gql<Page>(stack.url, PAGE, { path: seeded.districtPath, after }, token));
    const all = async (): Promise<number> => {
      let seen = 0;
      let after: string | null = null;
      do {
        const p: Page = await page(after);
        seen += p.grids.edges.length;
        after = p.grids.pageInfo.hasNextPage ? p.grids.pageInfo.endCursor : null;
      } while (after);
      return seen;
    };
    const count = await all();
    if (count !== seeded.grids) throw new Error(`expected ${seeded.grids} grids, paged through ${count}`);
    for (let i = 0; i < 20; i++) await all(); // warm-up

    const sets = await latencies(SETS, 1, async () => void (await all()));
    // The same page from the subgraph directly, alternated with the gateway (A B A B): the gateway's share.
    const direct = async (): Promise<void> =>
      void dataOf(await gql<Page>(svc.url, PAGE, { path: seeded.districtPath, after: null }, token));
    const pages: number[] = [];
    const directs: number[] = [];
    for (let round = 0; round < 2; round++) {
      pages.push(...(await latencies(PAGES / 2, 1, async () => void (await page(null)))));
      directs.push(...(await latencies(PAGES / 2, 1, direct)));
    }
    console.log(
      `all ${count} descendant grids of the district through the gateway (${Math.ceil(count / 200)} pages of 200), ${SETS} request-sets, one at a time: p50 ${ms(percentile(sets, 50))}, p99 ${ms(percentile(sets, 99))}`,
    );
    console.log(
      `one page of 200 grids through the gateway, ${PAGES} requests, one at a time: p50 ${ms(percentile(pages, 50))}, p99 ${ms(percentile(pages, 99))}`,
    );
    console.log(
      `  the same page from the subgraph directly: p50 ${ms(percentile(directs, 50))}, p99 ${ms(percentile(directs, 99))}; gateway/direct p50 ratio ${(percentile(pages, 50) / percentile(directs, 50)).toFixed(2)}`,
    );
    const concurrent = await latencies(SETS, 4, async () => void (await all()));
    console.log(`the same request-set with 4 in flight: p50 ${ms(percentile(concurrent, 50))}, p99 ${ms(percentile(concurrent, 99))}`);
    const HEALTH = `query($path: String!) { gridHealth(areaPath: $path) { totals { activeGrids unstaffed overlapping } problems { kind grids { code } } } }`;
    const report = dataOf(
      await gql<{ gridHealth: { totals: Record<string, number> } }>(stack.url, HEALTH, { path: seeded.districtPath }, token),
    ).gridHealth.totals;
    const health = await latencies(100, 1, async () => void dataOf(await gql(stack.url, HEALTH, { path: seeded.districtPath }, token)));
    console.log(
      `gridHealth of the whole district (${JSON.stringify(report)}), 100 requests: p50 ${ms(percentile(health, 50))}, p99 ${ms(percentile(health, 99))}`,
    );
  } finally {
    await stack.stop();
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
