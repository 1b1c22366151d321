import { ChildProcess, execFileSync, fork } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import { Agent, createServer, request as httpRequest, RequestListener } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { GATEWAY_CREDENTIAL_HEADER, signGatewayCredential } from '@civgrid/auth';
import type { Stack } from '../stack';
import type { Side } from './stats';

// node scripts/civgrid.mjs bench gateway-peers — CivGrid's gateway against Hive Gateway
// (@graphql-hive/gateway, installed for the bench into .tools/hive) on the same four running subgraphs and the same committed
// supergraph. Each gateway runs in a process of its own and signs every subgraph request the same
// way (x-civgrid-gateway over the caller's Authorization, which both forward). Defaults otherwise:
// CivGrid merges identical in-flight subgraph queries (SUBGRAPH_MERGE_IN_FLIGHT), Hive Gateway
// deduplicates identical in-flight subgraph requests (its executor's default); neither caches
// responses; CivGrid's rate limit, metrics and tracing are off (Hive Gateway has none by default).
// The query: a district officer's grids with their area and incident, household and dispute counts
// (four subgraphs). Two cases, each at 4 and 16 connections, the gateways in turns A B A B: varied
// requests (a different principal and variables per request) and identical concurrent requests.

const ROUNDS = 4;
const PER_TURN = Number(process.env.BENCH_PER_TURN ?? 400);
const CONCURRENCY = [4, 16];

const QUERY = `query DistrictGrids($path: String!, $first: Int!) {
  grids(underPath: $path, first: $first) {
    totalCount
    edges { node { id code name area { name } incidents(first: 1) { totalCount } households(first: 1) { totalCount } disputes(first: 1) { totalCount } } }
  }
}`;

// Hive Gateway is installed for this bench only, into .tools/ (as npm start installs pnpm there),
// never into the workspace: its dependencies (ioredis among them) would otherwise become peers of
// the services' production trees.
const HIVE_VERSION = '2.15.1';
const HIVE_DIR = join(__dirname, '..', '..', '..', '.tools', 'hive');

function ensureHive(): string {
  const entry = (): string => createRequire(join(HIVE_DIR, 'package.json')).resolve('@graphql-hive/gateway');
  try {
    return entry();
  } catch {
    process.stderr.write(`bench gateway-peers: installing @graphql-hive/gateway@${HIVE_VERSION} into .tools/hive\n`);
    mkdirSync(HIVE_DIR, { recursive: true });
    execFileSync(
      'npm',
      ['install', '--prefix', HIVE_DIR, '--no-audit', '--no-fund', '--loglevel=error', `@graphql-hive/gateway@${HIVE_VERSION}`],
      {
        stdio: 'inherit',
      },
    );
    return entry();
  }
}

/** The part of @graphql-hive/gateway's API this bench uses. */
interface HiveGatewayModule {
  createGatewayRuntime(config: {
    supergraph: string;
    logging: string;
    propagateHeaders: { fromClientToSubgraphs(args: { request: Request }): Record<string, string | undefined> };
    plugins(): {
      onFetch(args: {
        options: { headers?: Record<string, string> };
        setOptions(options: { headers?: Record<string, string> }): void;
      }): void;
    }[];
  }): RequestListener;
}

// ---- Hive Gateway, in the child process this file starts with CIVGRID_BENCH_PEER=hive ----

async function serveHive(): Promise<void> {
  // Its declarations are not loaded for type checking: they bring @types/node 25 into the program.
  const { createGatewayRuntime } = (await import(process.env.HIVE_GATEWAY_ENTRY!)) as HiveGatewayModule;
  const secret = process.env.GATEWAY_SHARED_SECRET!;
  // The committed supergraph, with the subgraphs where this run started them (as CivGrid's gateway
  // is told with SUBGRAPH_URL_*).
  let sdl = readFileSync(process.env.SUPERGRAPH_FILE!, 'utf8');
  for (const [name, url] of Object.entries(JSON.parse(process.env.SUBGRAPH_URLS!) as Record<string, string>))
    sdl = sdl.replace(new RegExp(`(@join__graph\\(name: "${name}", url: ")[^"]*"`), `$1${url}"`);
  const runtime = createGatewayRuntime({
    supergraph: sdl,
    logging: 'error',
    // The caller's token to every subgraph (and so into Hive Gateway's dedup key, as in CivGrid's).
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') ?? undefined }),
    },
    plugins: () => [
      {
        // After the propagation: the gateway credential over that Authorization, per fetch.
        onFetch({ options, setOptions }) {
          const headers = { ...options.headers };
          headers[GATEWAY_CREDENTIAL_HEADER] = signGatewayCredential(secret, headers.authorization);
          setOptions({ ...options, headers });
        },
      },
    ],
  });
  // Only Node's warning: Hive Gateway's fetch adds a listener per in-flight subgraph request to one
  // AbortSignal, and Node warns above 10 listeners.
  setMaxListeners(256);
  const server = createServer(runtime);
  // Hive Gateway disposes itself on SIGTERM but leaves the server listening: close it and leave.
  process.once('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
  server.listen(0, '127.0.0.1', () => process.send!({ ready: `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql` }));
}

function startHive(stack: Stack, secret: string): Promise<{ url: string; child: ChildProcess }> {
  const urls = Object.fromEntries(Object.entries(stack.services).map(([name, s]) => [name, s.url]));
  const child = fork(__filename, [], {
    env: {
      ...process.env,
      CIVGRID_BENCH_PEER: 'hive',
      HIVE_GATEWAY_ENTRY: ensureHive(),
      NODE_ENV: 'production',
      GATEWAY_SHARED_SECRET: secret,
      SUPERGRAPH_FILE: join(__dirname, '..', '..', 'supergraph.graphql'),
      SUBGRAPH_URLS: JSON.stringify(urls),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { ready: string }) => resolve({ url: m.ready, child }));
    child.once('exit', (code) => reject(new Error(`Hive Gateway exited (${code}) before it listened`)));
  });
}

// ---- the load: one keep-alive connection per concurrent request, the same for both gateways ----

interface Call {
  body: string;
  authorization: string;
}

class Poster {
  readonly agent: Agent;
  failures = 0;
  firstFailure = '';
  constructor(
    private readonly url: URL,
    connections: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  send(call: Call): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            authorization: call.authorization,
            'content-length': Buffer.byteLength(call.body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.once('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            // Only a whole answer counts: a gateway that answers errors fast is not faster.
            if (res.statusCode !== 200 || !text.startsWith('{"data"') || text.includes('"errors"')) {
              this.failures++;
              this.firstFailure ||= `${res.statusCode} ${text.slice(0, 300)}`;
            }
            resolve(text);
          });
          res.once('error', reject);
        },
      );
      req.once('error', reject);
      req.end(call.body);
    });
  }
}

// ---- the data: a district of two towns, four villages, 16 grids with households, incidents, disputes ----

interface World {
  districtPath: string;
  townPaths: string[];
  villagePaths: string[];
}

async function seed(stack: Stack): Promise<World> {
  const { Role } = await import('@civgrid/auth');
  const { dataOf, gql, testDistrictCode } = await import('@civgrid/testing');
  const { waitForReplica } = await import('../scenario');
  const admin = await stack.token({ roles: [Role.ADMIN] });
  const must = async <D>(query: string, variables: Record<string, unknown>): Promise<D> =>
    dataOf(await gql<D>(stack.url, query, variables, admin));
  type Area = { id: string; path: string };
  const area = async (input: Record<string, unknown>): Promise<Area> =>
    (await must<{ createArea: Area }>(`mutation($i: CreateAreaInput!) { createArea(input: $i) { id path } }`, { i: input })).createArea;
  const grid = async (input: Record<string, unknown>): Promise<string> =>
    (await must<{ createGrid: { id: string } }>(`mutation($i: CreateGridInput!) { createGrid(input: $i) { id } }`, { i: input })).createGrid
      .id;
  const code6 = testDistrictCode().slice(0, 6);
  const district = await area({ code: `${code6}000000`, name: '岱岳区' });
  const towns: Area[] = [];
  const villages: Area[] = [];
  const grids: string[] = [];
  for (let t = 1; t <= 2; t++) {
    const town = await area({ code: `${code6}00${t}000`, name: `第${t}街道`, parentId: district.id, urban: true });
    towns.push(town);
    for (let v = 1; v <= 2; v++) {
      const village = await area({ code: `${code6}00${t}00${v}`, name: `第${t}-${v}社区`, parentId: town.id, urban: true });
      villages.push(village);
      const total = await grid({ code: `T${code6}${t}${v}`, name: `第${t}-${v}总网格`, kind: 'TOTAL', areaId: village.id });
      grids.push(total);
      for (let g = 1; g <= 3; g++)
        grids.push(
          await grid({
            code: `B${code6}${t}${v}x${g}`,
            name: `第${t}-${v}-${g}网格`,
            kind: 'BASIC',
            areaId: village.id,
            parentGridId: total,
          }),
        );
    }
  }
  for (const service of ['population-registry', 'incident-reporting', 'dispute-mediation']) await waitForReplica(stack, service, grids);
  let household = 0;
  for (const [i, gridId] of grids.entries()) {
    for (let h = 0; h < 1 + (i % 4); h++) {
      const dwelling = await must<{ registerDwelling: { id: string } }>(
        `mutation($i: RegisterDwellingInput!) { registerDwelling(input: $i) { id } }`,
        { i: { gridId, kind: 'APARTMENT', occupancy: 'OWNER_OCCUPIED', building: `${h + 1}号楼`, addressText: `${h + 1}号楼` } },
      );
      await must(`mutation($i: RegisterHouseholdInput!) { registerHousehold(input: $i) { id } }`, {
        i: {
          number: `${code6}P${String(++household).padStart(5, '0')}`,
          dwellingId: dwelling.registerDwelling.id,
          registrationType: 'PERMANENT',
        },
      });
    }
    for (let n = 0; n < 1 + (i % 3); n++)
      await must(`mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }`, {
        i: { gridId, title: `楼道堆放杂物 ${n}`, description: '楼道堆放杂物', category: 'PUBLIC_SAFETY' },
      });
    for (let n = 0; n < i % 3; n++)
      await must(`mutation($i: RegisterDisputeInput!) { registerDispute(input: $i) { id } }`, {
        i: { gridId, kind: 'NEIGHBOURHOOD', summary: `邻里纠纷 ${n}`, origin: 'WALK_IN' },
      });
  }
  return { districtPath: district.path, townPaths: towns.map((t) => t.path), villagePaths: villages.map((v) => v.path) };
}

/** A different principal and different variables for each of 48 requests in turn. */
async function variedCalls(stack: Stack, world: World): Promise<Call[]> {
  const { Role } = await import('@civgrid/auth');
  const calls: Call[] = [];
  for (let i = 0; i < 48; i++) {
    const town = i % 2;
    const asTown = i % 4 === 3;
    const paths = asTown
      ? [world.townPaths[town], ...world.villagePaths.slice(town * 2, town * 2 + 2)]
      : [world.districtPath, ...world.townPaths, ...world.villagePaths];
    const token = await stack.token(
      asTown
        ? { roles: [Role.TOWN_OFFICER], areas: [world.townPaths[town]], sub: `peers-town-officer-${i}` }
        : { roles: [Role.DISTRICT_OFFICER], areas: [world.districtPath], sub: `peers-district-officer-${i}` },
    );
    calls.push({
      body: JSON.stringify({ query: QUERY, variables: { path: paths[i % paths.length], first: 16 - (i % 5) } }),
      authorization: `Bearer ${token}`,
    });
  }
  return calls;
}

// ---- the run ----

interface Gateway {
  name: string;
  url: URL;
}

const rate = (s: Side): number => s.latencies.length / s.seconds;

async function main(): Promise<void> {
  const { Role } = await import('@civgrid/auth');
  const { TEST_GATEWAY_SECRET } = await import('@civgrid/testing');
  const { startStack } = await import('../stack');
  const { startGatewayProcess } = await import('../gateway-process');
  const { alternate, ms, percentile } = await import('./stats');

  const stack = await startStack('bench-peers');
  const stops: (() => Promise<void>)[] = [() => stack.stop()];
  try {
    const t0 = performance.now();
    const world = await seed(stack);
    console.log(`seeded 16 grids (2 towns, 4 villages) with households, incidents and disputes in ${ms(performance.now() - t0)}`);

    const civgrid = await startGatewayProcess(stack, {
      NODE_ENV: 'production',
      SUBGRAPH_MERGE_IN_FLIGHT: 'true',
      METRICS_ENABLED: 'false',
      OTEL_SDK_DISABLED: 'true',
    });
    stops.unshift(() => civgrid.stop());
    const hive = await startHive(stack, TEST_GATEWAY_SECRET);
    stops.unshift(async () => {
      const exited = new Promise((r) => hive.child.once('exit', r));
      hive.child.kill('SIGTERM');
      await exited;
    });
    const gateways: Gateway[] = [
      { name: 'CivGrid', url: new URL(civgrid.url) },
      { name: 'Hive Gateway', url: new URL(hive.url) },
    ];

    const officer = await stack.token({ roles: [Role.DISTRICT_OFFICER], areas: [world.districtPath], sub: 'peers-district-officer' });
    const identical: Call = {
      body: JSON.stringify({ query: QUERY, variables: { path: world.districtPath, first: 16 } }),
      authorization: `Bearer ${officer}`,
    };
    const varied = await variedCalls(stack, world);

    // Both gateways give the same, complete answer to every request the bench sends.
    const check = new Map(gateways.map((g) => [g.name, new Poster(g.url, 1)]));
    for (const call of [identical, ...varied]) {
      const [a, b] = await Promise.all(gateways.map((g) => check.get(g.name)!.send(call)));
      for (const [g, poster] of check) if (poster.failures) throw new Error(`${g} failed the check request: ${poster.firstFailure}`);
      const [da, db] = [a, b].map((text) => JSON.stringify((JSON.parse(text) as { data: unknown }).data));
      if (da !== db) throw new Error(`the gateways answer differently:\n${a.slice(0, 400)}\n${b.slice(0, 400)}`);
    }
    const sample = JSON.parse(await check.get('CivGrid')!.send(identical)) as {
      data: { grids: { totalCount: number; edges: { node: Record<string, { totalCount: number }> }[] } };
    };
    const sum = (f: string): number => sample.data.grids.edges.reduce((s, e) => s + e.node[f].totalCount, 0);
    if (sample.data.grids.totalCount !== 16 || !sum('incidents') || !sum('households') || !sum('disputes'))
      throw new Error(`the district officer's query misses data: ${JSON.stringify(sample.data).slice(0, 400)}`);
    for (const p of check.values()) p.agent.destroy();
    console.log(
      `checked: both gateways return the same data for all ${varied.length + 1} requests ` +
        `(the district's ${sample.data.grids.totalCount} grids: ${sum('households')} households, ${sum('incidents')} incidents, ${sum('disputes')} disputes)`,
    );

    const rows: string[] = [];
    for (const [label, calls] of [
      ['varied', varied],
      ['identical', [identical]],
    ] as const) {
      for (const connections of CONCURRENCY) {
        const posters = gateways.map((g) => new Poster(g.url, connections));
        const load = (p: Poster): (() => Promise<void>) => {
          let next = 0;
          return async () => void (await p.send(calls[next++ % calls.length]));
        };
        const [a, b] = posters.map(load);
        await alternate(1, 2 * connections * 10, connections, a, b); // warm-up, not counted
        const sides = { a: { latencies: [] as number[], seconds: 0 }, b: { latencies: [] as number[], seconds: 0 } };
        const turnRatios: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const turn = await alternate(1, PER_TURN, connections, a, b);
          turnRatios.push(rate(turn.a) / rate(turn.b));
          for (const side of ['a', 'b'] as const) {
            sides[side].latencies.push(...turn[side].latencies);
            sides[side].seconds += turn[side].seconds;
          }
        }
        for (const [i, p] of posters.entries())
          if (p.failures) throw new Error(`${gateways[i].name} failed ${p.failures} requests (${label}): ${p.firstFailure}`);
        for (const p of posters) p.agent.destroy();
        const line = (name: string, s: Side): string =>
          `${name.padEnd(12)} ${rate(s).toFixed(1).padStart(6)} req/s, p50 ${ms(percentile(s.latencies, 50))}, p99 ${ms(percentile(s.latencies, 99))}`;
        const ratio =
          `CivGrid/Hive: req/s ${(rate(sides.a) / rate(sides.b)).toFixed(2)}, ` +
          `p50 ${(percentile(sides.a.latencies, 50) / percentile(sides.b.latencies, 50)).toFixed(2)}, ` +
          `p99 ${(percentile(sides.a.latencies, 99) / percentile(sides.b.latencies, 99)).toFixed(2)} ` +
          `(req/s per round: ${turnRatios.map((r) => r.toFixed(2)).join(', ')})`;
        const row = `${label.padEnd(9)} ${String(connections).padStart(2)} connections | ${line(gateways[0].name, sides.a)} | ${line(gateways[1].name, sides.b)} | ${ratio}`;
        console.log(row);
        rows.push(row);
      }
    }
    console.log(
      `${ROUNDS} turns of ${PER_TURN} requests per gateway per line, in turns A B A B (after a warm-up turn); ` +
        `varied: ${varied.length} principals and variable sets in turn; identical: one principal, the same variables`,
    );
  } finally {
    for (const stop of stops) await stop();
  }
  process.exit(0);
}

if (process.env.CIVGRID_BENCH_PEER === 'hive') {
  serveHive().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
