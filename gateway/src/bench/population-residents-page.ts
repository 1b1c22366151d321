import 'reflect-metadata';
import { Role } from '@civgrid/auth';
import { asGateway, dataOf, gql } from '@civgrid/testing';
import { createTree, waitForReplica } from '../scenario';
import { startStack } from '../stack';
import { LEDGER_HEADER, ledgerLines } from './population-fixtures';
import { alternate, latencies, p50p99, ratioP50 } from './stats';

// A grid member's residents page through the gateway: grid organisation resolves the grid, the
// registry the page (masked ID numbers and phones decrypted per row, ages, households).
const RESIDENTS = 1_530; // Xinzhuang village's permanent population, from the source report
const REQUESTS = 1_000;
const CONCURRENCY = 4;

const FIELDS = `residents(first: 50, after: $after, status: ACTIVE) {
  totalCount pageInfo { endCursor hasNextPage } edges { node { id name age sex nationalId phone household { number } } } }`;
const PAGE = `query($g: ID!, $after: String) { grid(id: $g) { name ${FIELDS} } }`;
// What the gateway asks the registry for: the grid's page through _entities, no grid name.
const ENTITIES_PAGE = `query($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on Grid { ${FIELDS} } } }`;

type Page = { grid: { residents: { pageInfo: { endCursor: string | null; hasNextPage: boolean } } } };

async function main(): Promise<void> {
  const stack = await startStack('bench-population-page', {}, ['grid-organisation', 'population-registry']);
  try {
    const admin = await stack.token({ roles: [Role.ADMIN] });
    const tree = await createTree(stack.url, admin, 1);
    const gridId = tree.gridIds[0];
    await waitForReplica(stack, 'population-registry', [gridId]);
    const csv = [LEDGER_HEADER, ...ledgerLines('P', 0, RESIDENTS)].join('\n');
    dataOf(
      await gql(
        stack.url,
        `mutation($input: ImportLedgerInput!) { importLedger(input: $input) { accepted } }`,
        { input: { gridId, csv } },
        admin,
      ),
    );
    const member = await stack.token({ roles: [Role.GRID_MEMBER], areas: [tree.village.path], grids: [gridId] });

    // Every page's cursor, so requests spread over the whole list (keyset: the last page costs what the first does).
    const cursors: (string | null)[] = [null];
    for (;;) {
      const page = dataOf(await gql<Page>(stack.url, PAGE, { g: gridId, after: cursors.at(-1) }, member)).grid.residents.pageInfo;
      if (!page.hasNextPage) break;
      cursors.push(page.endCursor);
    }
    let i = 0;
    let j = 0;
    const request = async () => {
      const after = cursors[i++ % cursors.length];
      dataOf(await gql<Page>(stack.url, PAGE, { g: gridId, after }, member));
    };
    const registry = stack.services['population-registry'].url;
    const direct = async () => {
      const after = cursors[j++ % cursors.length];
      dataOf(await gql(registry, ENTITIES_PAGE, { r: [{ __typename: 'Grid', id: gridId }], after }, member, asGateway(member)));
    };
    await latencies(100, CONCURRENCY, request);
    await latencies(100, CONCURRENCY, direct);
    const { a, b } = await alternate(4, REQUESTS, CONCURRENCY, request, direct);
    process.stdout.write(
      `grid residents page (50 of ${RESIDENTS}, ${cursors.length} pages, grid member, masked IDs and phones), ${REQUESTS} requests a side, ` +
        `${CONCURRENCY} in flight, in turns: through the gateway ${p50p99(a)}; the registry alone (_entities) ${p50p99(b)}; ratio p50 ${ratioP50(a, b)}\n`,
    );
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
