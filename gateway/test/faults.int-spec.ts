import { ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '@civgrid/auth';
import { dataOf, eventually, freePort, gql, query, readTopic, startInfraServer, stopInfraServer, testDistrictCode } from '@civgrid/testing';
import { createTree } from '../src/scenario';
import { startStack, Stack, StackService } from '../src/stack';

// The fault tier: a broker and a PostgreSQL server of this file's own, stopped and started under
// concurrent writers through the gateway, and a service killed mid-write; population-registry
// consumes grid-organisation's grid events into its replica throughout. Each scenario is a few
// seconds of writes, so the tier stays short on two shared cores.

let stack: Stack;
let svc: StackService;
let registry: StackService;
let broker: ChildProcess | undefined;
let pg: ChildProcess | undefined;
let kafkaPort: number;
let pgPort: number;
const kafkaDir = mkdtempSync(join(tmpdir(), 'civgrid-fault-kafka-'));
// PostgreSQL runs as the postgres OS user: its folder must be reachable by it, as .local/ is for the suite's own.
const localDir = join(__dirname, '..', '..', '.local');
mkdirSync(localDir, { recursive: true });
const pgDir = mkdtempSync(join(localDir, 'fault-pg-'));
chmodSync(pgDir, 0o755);
let admin: string;

beforeAll(async () => {
  [kafkaPort, pgPort] = await Promise.all([freePort(), freePort()]);
  [broker, pg] = await Promise.all([
    startInfraServer('kafka', kafkaPort, { dataDir: kafkaDir, quiet: true }),
    startInfraServer('postgres', pgPort, { dataDir: pgDir, quiet: true }),
  ]);
  // This file's services, databases and topics live on its own broker and server (jest gives each
  // test file its own process.env).
  process.env['KAFKA_BROKERS'] = `127.0.0.1:${kafkaPort}`;
  process.env['DATABASE_URL'] = `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`;
  stack = await startStack('faults', {}, ['grid-organisation', 'population-registry']);
  svc = stack.services['grid-organisation'];
  registry = stack.services['population-registry'];
  admin = await stack.token({ roles: [Role.ADMIN] });
}, 180_000);

afterAll(async () => {
  await stack?.stop().catch(() => undefined);
  await Promise.all([stopInfraServer(broker), stopInfraServer(pg)]);
  rmSync(kafkaDir, { recursive: true, force: true });
  rmSync(pgDir, { recursive: true, force: true });
});

const CREATE = `mutation($input: CreateAreaInput!) { createArea(input: $input) { id } }`;

interface Outcome {
  acknowledged: string[];
  failures: { status: number; code: unknown; retryAfter: string | null }[];
}

/** `writers` concurrent writers creating towns in a district of their own until `stop()`. */
async function writeUntil(writers: number, until: Promise<void>): Promise<Outcome> {
  const district = dataOf(
    await gql<{ createArea: { id: string } }>(stack.url, CREATE, { input: { code: testDistrictCode(), name: '故障区' } }, admin),
  ).createArea;
  const [{ code }] = await query<{ code: string }>(svc.db.url, `SELECT code FROM administrative_area WHERE id = $1`, [district.id]);
  const outcome: Outcome = { acknowledged: [], failures: [] };
  let stopped = false;
  void until.then(() => {
    stopped = true;
  });
  let next = 1;
  const writer = async (): Promise<void> => {
    while (!stopped && next < 1000) {
      const town = `${code.slice(0, 6)}${String(next++).padStart(3, '0')}000`;
      const res = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ query: CREATE, variables: { input: { code: town, name: `镇${town}`, parentId: district.id } } }),
      }).catch(() => undefined);
      const body = (await res?.json().catch(() => undefined)) as
        { data?: { createArea?: { id: string } | null }; errors?: { extensions?: { code?: unknown } }[] } | undefined;
      const id = body?.data?.createArea?.id;
      if (res && id && !body.errors) outcome.acknowledged.push(id);
      else
        outcome.failures.push({
          status: res?.status ?? 0,
          code: body?.errors?.[0]?.extensions?.code,
          retryAfter: res?.headers.get('retry-after') ?? null,
        });
      if (!id) await new Promise((r) => setTimeout(r, 100));
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  return outcome;
}

/** One writer adding basic grids under a total grid of its own every 100 ms until `stop()`: the ids acknowledged. */
async function writeGridsUntil(until: Promise<void>): Promise<string[]> {
  const tree = await createTree(stack.url, admin);
  const acknowledged: string[] = [];
  let stopped = false;
  void until.then(() => {
    stopped = true;
  });
  for (let i = 1; !stopped; i++) {
    const res = await gql<{ createGrid: { id: string } }>(
      stack.url,
      `mutation($input: CreateGridInput!) { createGrid(input: $input) { id } }`,
      {
        input: {
          code: `B${tree.village.code.slice(0, 6)}y${i}`,
          name: `第${i}网格`,
          kind: 'BASIC',
          areaId: tree.village.id,
          parentGridId: tree.gridIds[0],
        },
      },
      admin,
    ).catch(() => undefined);
    if (res?.data?.createGrid && !res.errors) acknowledged.push(res.data.createGrid.id);
    await sleep(100);
  }
  return [tree.gridIds[0], ...acknowledged];
}

/** How many of these grids population-registry's replica holds, and how many grid-created events its inbox took for them. */
async function replicated(gridIds: string[]): Promise<{ rows: number; applied: number }> {
  const [{ rows }] = await query<{ rows: number }>(
    registry.db.url,
    `SELECT count(*)::int AS rows FROM grid_replica WHERE id = ANY($1::uuid[])`,
    [gridIds],
  );
  const events = await query<{ id: string }>(
    svc.db.url,
    `SELECT id::text FROM outbox WHERE type = 'civgrid.grid.grid-created.v1' AND aggregateid = ANY($1)`,
    [gridIds],
  );
  const [{ applied }] = await query<{ applied: number }>(
    registry.db.url,
    `SELECT count(*)::int AS applied FROM inbox WHERE event_id = ANY($1)`,
    [events.map((e) => e.id)],
  );
  return { rows, applied };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls both readiness endpoints every 200 ms until stopped; returns the answers that were not 200. */
function watchReadiness(): { stop(): Promise<string[]> } {
  const bad: string[] = [];
  let on = true;
  const urls = [svc.url, stack.url].map((u) => u.replace(/\/graphql$/, '/health/ready'));
  const loop = (async () => {
    while (on) {
      for (const url of urls) {
        const r = await fetch(url).catch((e: Error) => ({ status: `error ${e.message}` }));
        if (r.status !== 200) bad.push(`${url}: ${r.status}`);
      }
      await sleep(200);
    }
  })();
  return {
    async stop() {
      on = false;
      await loop;
      return bad;
    },
  };
}

const unpublished = async (): Promise<number> =>
  (await query<{ n: number }>(svc.db.url, `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`))[0].n;

/** The area-created events on the topic for these ids: how many distinct, how many copies in all. */
async function onTopic(ids: string[]): Promise<{ missing: string[]; duplicates: number }> {
  const wanted = new Set(ids);
  const messages = await readTopic(
    svc.topic('grid'),
    (m) => new Set(m.filter((x) => wanted.has(x.key ?? '')).map((x) => x.key)).size >= wanted.size,
    30_000,
    [`127.0.0.1:${kafkaPort}`],
  );
  const mine = messages.filter((m) => wanted.has(m.key ?? '') && m.value['type'] === 'civgrid.grid.area-created.v1');
  const seen = new Set(mine.map((m) => m.key));
  const eventIds = mine.map((m) => String(m.value['id']));
  return { missing: ids.filter((id) => !seen.has(id)), duplicates: eventIds.length - new Set(eventIds).size };
}

describe('the fault tier', () => {
  it('loses no acknowledged change when the broker is stopped (SIGTERM) under writers and started again on the same data', async () => {
    const readiness = watchReadiness();
    let release!: () => void;
    const done = new Promise<void>((r) => (release = r));
    const writing = writeUntil(6, done);
    const gridWriting = writeGridsUntil(done);
    await sleep(1500);
    await stopInfraServer(broker); // SIGTERM while sends are in flight
    const stoppedAt = Date.now();
    await sleep(3000); // mutations go on meanwhile
    broker = await startInfraServer('kafka', kafkaPort, { dataDir: kafkaDir, quiet: true });
    const backAt = Date.now();
    await sleep(1000);
    release();
    const [outcome, grids] = await Promise.all([writing, gridWriting]);
    await eventually(async () => ((await unpublished()) === 0 ? true : undefined), 10_000 - (Date.now() - backAt), 100);
    const drainedInMs = Date.now() - backAt;
    // The consumer in population-registry rejoins by itself and applies every grid made meanwhile.
    await eventually(async () => ((await replicated(grids)).rows === grids.length ? true : undefined), 30_000, 50);
    const replicatedInMs = Date.now() - backAt;
    const bad = await readiness.stop();
    const during = outcome.acknowledged.length;
    const { missing, duplicates } = await onTopic(outcome.acknowledged);
    const { applied } = await replicated(grids);
    console.log(
      `fault tier, broker SIGTERM: ${during} changes acknowledged (${outcome.failures.length} failed), broker away ${backAt - stoppedAt} ms; ` +
        `${during - missing.length} of them on the topic, ${duplicates} duplicate deliveries; backlog drained ${drainedInMs} ms after the broker was back; ` +
        `${grids.length} grids made meanwhile in population-registry's replica ${replicatedInMs} ms after it (${applied} applied, once each)`,
    );
    expect(grids.length).toBeGreaterThan(5);
    // Each grid-created event applied once however often it was delivered.
    expect(applied).toBe(grids.length);
    // Consumers resume within 5 s of the broker being back (the relay's drain included).
    expect(replicatedInMs).toBeLessThan(5_000);
    expect(outcome.failures).toEqual([]);
    expect(during).toBeGreaterThan(20);
    expect(missing).toEqual([]);
    expect(drainedInMs).toBeLessThan(10_000);
    expect(bad).toEqual([]);
  }, 120_000);

  it('after kill -9 of a service during writes: committed rows = outbox rows = events on the topic, once it is restarted', async () => {
    let release!: () => void;
    const done = new Promise<void>((r) => (release = r));
    const writing = writeUntil(4, done);
    await sleep(1500);
    await svc.kill('SIGKILL');
    await sleep(500);
    await svc.restart();
    await sleep(1000);
    release();
    const outcome = await writing;
    // While it was gone, the gateway said so: a transient fault, not an internal error.
    for (const f of outcome.failures) expect(f).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: expect.any(String) });
    const committed = await query<{ id: string }>(
      svc.db.url,
      `SELECT id FROM administrative_area WHERE parent_id = (SELECT parent_id FROM administrative_area WHERE id = $1)`,
      [outcome.acknowledged[0]],
    );
    const outboxed = await query<{ aggregateid: string }>(
      svc.db.url,
      `SELECT aggregateid FROM outbox WHERE type = 'civgrid.grid.area-created.v1' AND aggregateid = ANY($1)`,
      [committed.map((r) => r.id)],
    );
    expect(new Set(outboxed.map((r) => r.aggregateid))).toEqual(new Set(committed.map((r) => r.id)));
    for (const id of outcome.acknowledged) expect(committed.map((r) => r.id)).toContain(id);
    await eventually(async () => ((await unpublished()) === 0 ? true : undefined), 20_000, 100);
    const { missing, duplicates } = await onTopic(committed.map((r) => r.id));
    console.log(
      `fault tier, kill -9: ${committed.length} committed (${outcome.acknowledged.length} acknowledged, ${outcome.failures.length} refused as SERVICE_UNAVAILABLE), ` +
        `${outboxed.length} in the outbox, ${committed.length - missing.length} on the topic, ${duplicates} duplicate deliveries`,
    );
    expect(missing).toEqual([]);
  }, 120_000);

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After while PostgreSQL restarts under load, then serves again without a restart, losing nothing acknowledged', async () => {
    let release!: () => void;
    const done = new Promise<void>((r) => (release = r));
    const writing = writeUntil(4, done);
    await sleep(1500);
    await stopInfraServer(pg);
    await sleep(2000);
    pg = await startInfraServer('postgres', pgPort, { dataDir: pgDir, quiet: true });
    // The services find their database again by themselves.
    await eventually(
      async () => ((await fetch(svc.url.replace(/\/graphql$/, '/health/ready'))).status === 200 ? true : undefined),
      20_000,
      200,
    );
    await sleep(1500);
    release();
    const outcome = await writing;
    expect(outcome.failures.length).toBeGreaterThan(0);
    for (const f of outcome.failures) expect(f).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: expect.any(String) });
    const rows = await query<{ id: string }>(svc.db.url, `SELECT id FROM administrative_area WHERE id = ANY($1)`, [outcome.acknowledged]);
    expect(rows).toHaveLength(outcome.acknowledged.length);
    await eventually(async () => ((await unpublished()) === 0 ? true : undefined), 20_000, 100);
    const { missing, duplicates } = await onTopic(outcome.acknowledged);
    console.log(
      `fault tier, PostgreSQL restart: ${outcome.acknowledged.length} acknowledged, ${outcome.failures.length} refused as SERVICE_UNAVAILABLE (503 + Retry-After); ` +
        `all acknowledged rows present, ${outcome.acknowledged.length - missing.length} on the topic, ${duplicates} duplicate deliveries`,
    );
    expect(missing).toEqual([]);
  }, 120_000);
  it('stops within its grace period while the broker is away, and consumes again once started', async () => {
    await stopInfraServer(broker);
    await sleep(1000);
    const t0 = Date.now();
    await registry.kill('SIGTERM'); // Kubernetes gives a pod 30 s before SIGKILL
    const stoppedInMs = Date.now() - t0;
    broker = await startInfraServer('kafka', kafkaPort, { dataDir: kafkaDir, quiet: true });
    await registry.restart();
    const grids = await writeGridsUntil(Promise.resolve());
    await eventually(async () => ((await replicated(grids)).rows === grids.length ? true : undefined), 30_000, 50);
    console.log(`fault tier, SIGTERM with the broker away: population-registry exited in ${stoppedInMs} ms`);
    expect(stoppedInMs).toBeLessThan(15_000);
  }, 120_000);
});
