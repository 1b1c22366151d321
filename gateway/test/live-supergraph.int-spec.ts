import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import pino from 'pino';
import { Role } from '@civgrid/auth';
import { PublishedArtefact, publishInitial, publishSubgraph, readPublished, sha256, writePublished } from '@civgrid/schema-registry';
import { gql, makeKeys, TEST_AUDIENCE, TEST_ISSUER, tokenFor, TEST_GATEWAY_SECRET } from '@civgrid/testing';
import { gatewayConfigSchema } from '../src/config';
import { createGateway, RunningGateway } from '../src/gateway';
import { SupergraphStatus } from '../src/supergraph-source';

// A department's subgraph is already deployed with a new field; publishing its SDL makes the
// running gateway serve it, while clients keep querying.
const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n';
const V1 = `${LINK}type Query { notice: String! }\n`;
const V2 = `${LINK}type Query { notice: String! noticeCount: Int! }\n`;

let subgraph: ApolloServer;
let subgraphUrl: string;
let dir: string;
let running: RunningGateway;
let http: Server;
let url: string;
let token: string;
const logs: { msg: string; reason?: string }[] = [];

beforeAll(async () => {
  subgraph = new ApolloServer({
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    schema: buildSubgraphSchema({
      typeDefs: parse(V2),
      resolvers: {
        Query: {
          // Slow enough that requests are in flight when the gateway switches.
          notice: () => new Promise((r) => setTimeout(() => r('water off on Tuesday'), 15)),
          noticeCount: () => 3,
        },
      },
    }),
  });
  ({ url: subgraphUrl } = await startStandaloneServer(subgraph, { listen: { port: 0, host: '127.0.0.1' } }));
  dir = mkdtempSync(join(tmpdir(), 'live-supergraph-'));
  publishInitial(dir, [{ name: 'notices', url: subgraphUrl, sdl: V1 }]);
  const keys = await makeKeys();
  token = await tokenFor(keys, { roles: [Role.ADMIN] });
  const config = gatewayConfigSchema.parse({
    NODE_ENV: 'test',
    AUTH_PUBLIC_KEY: keys.publicKeyPem,
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_AUDIENCE: TEST_AUDIENCE,
    SUPERGRAPH_PATH: dir,
    SUPERGRAPH_POLL_INTERVAL_MS: '100',
    GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
    RATE_LIMIT_ENABLED: 'false',
  });
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as { msg: string }) });
  running = await createGateway(config, logger);
  http = createServer(running.app).listen(0, '127.0.0.1');
  await new Promise((r) => http.once('listening', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  http?.close();
  await running?.stop();
  await subgraph?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const status = async (): Promise<SupergraphStatus> =>
  (await fetch(new URL('/status/supergraph', url)).then((r) => r.json())) as SupergraphStatus;
const until = async (ok: () => Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** Writes an artefact by hand, as a faulty publisher or a half-finished copy would leave it. */
function writeRaw(manifest: PublishedArtefact['manifest'], supergraph: string, subgraphs: PublishedArtefact['subgraphs']) {
  const entry = { version: manifest.version, hash: manifest.hash, publishedAt: new Date().toISOString(), service: 'notices' };
  writePublished(dir, { manifest, supergraph, subgraphs }, { ...entry, subgraphVersion: 0, subgraphHash: '', changes: ['by hand'] });
}

/** Clients querying without pause until stopped; every answer that is not the notice is kept. */
function load(clients: number) {
  let stop = false;
  let done = 0;
  const failures: unknown[] = [];
  const loops = Array.from({ length: clients }, async () => {
    while (!stop) {
      try {
        const res = await gql<{ notice: string }>(url, '{ notice }', {}, token);
        if (res.data?.notice !== 'water off on Tuesday') failures.push(res);
      } catch (error) {
        failures.push(String(error));
      }
      done += 1;
    }
  });
  return {
    failures,
    done: () => done,
    async stop() {
      stop = true;
      await Promise.all(loops);
    },
  };
}

describe('the live gateway', () => {
  it('serves a newly published field without a restart while requests run, and none of them fails', async () => {
    const before = await status();
    expect(before).toMatchObject({ hash: readPublished(dir).manifest.hash, version: 1 });
    const missing = await gql(url, '{ noticeCount }', {}, token);
    expect(missing.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');

    const clients = load(6);
    await until(async () => clients.done() > 20);
    const published = await publishSubgraph(dir, { name: 'notices', sdl: V2 });
    expect(published.published).toBe(true);
    await until(async () => (await gql<{ noticeCount: number }>(url, '{ noticeCount }', {}, token)).data?.noticeCount === 3);
    const doneAtSwitch = clients.done();
    await until(async () => clients.done() > doneAtSwitch + 20);
    await clients.stop();

    expect(clients.failures).toEqual([]);
    expect(await status()).toMatchObject({ hash: readPublished(dir).manifest.hash, version: 2, lastRejected: null });
    expect(logs.some((l) => l.msg === 'switched to a new supergraph')).toBe(true);
  });

  it.each([
    ['a supergraph that does not parse', 'type Query {', /Syntax Error/],
    ['a supergraph that is not a federation supergraph', 'type Query { notice: String! }\n', /supergraph|link|core/i],
  ])('refuses %s, keeps serving the last good one and says why', async (_kind, broken, reason) => {
    const good = readPublished(dir);
    const manifest = { ...good.manifest, version: good.manifest.version + 1, hash: sha256(broken) };
    writeRaw(manifest, broken, good.subgraphs);
    const clients = load(3);
    await until(async () => (await status()).lastRejected?.hash === manifest.hash);
    await until(async () => clients.done() > 20);
    await clients.stop();
    expect(clients.failures).toEqual([]);
    const now = await status();
    expect(now.hash).toBe(good.manifest.hash);
    expect(now.lastRejected?.reason).toMatch(reason);
    expect((await gql<{ noticeCount: number }>(url, '{ noticeCount }', {}, token)).data?.noticeCount).toBe(3);
    expect(logs.filter((l) => l.msg.startsWith('new supergraph refused')).map((l) => l.reason)).toContainEqual(
      expect.stringMatching(reason),
    );
    // The good one back for the next case.
    writeRaw(good.manifest, good.supergraph, good.subgraphs);
  });

  it('refuses a supergraph that does not match its manifest (a publication caught half-written)', async () => {
    const good = readPublished(dir);
    const manifest = { ...good.manifest, version: good.manifest.version + 1, hash: sha256('something else') };
    writeRaw(manifest, good.supergraph.replace('noticeCount', 'noticeTotal'), good.subgraphs);
    await until(async () => /does not match/.test((await status()).lastRejected?.reason ?? ''));
    const now = await status();
    expect(now.hash).toBe(good.manifest.hash);
    expect(now.lastRejected?.reason).toMatch(/does not match the hash of manifest version/);
    expect((await gql<{ noticeCount: number }>(url, '{ noticeCount }', {}, token)).data?.noticeCount).toBe(3);
  });
});
