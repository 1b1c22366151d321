import 'reflect-metadata';
import { Server } from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { Role } from '@civgrid/auth';
import { catalogue } from '@civgrid/contracts';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  deadLetterTopic,
  ensureTopics,
  EventConsumer,
  eventsTopic,
  Outbox,
  OutboxRelay,
  OutboxSchemaV1,
} from '@civgrid/events';
import { createTestDatabase, dataOf, gql, kafkaBrokers, topicPrefix } from '@civgrid/testing';
import { gatewayConfigSchema, SUBGRAPH_URL_ENV } from '../config';
import { createGateway } from '../gateway';
import { createTree, registerDwellings, waitForReplica } from '../scenario';
import { startStack } from '../stack';
import { latencies, median, ms, percentile } from './stats';

// pnpm bench:skeleton — figures for the walking skeleton, each next to a baseline in the same run.
const silent = pino({ level: 'silent' });

async function gatewayStartToReady(env: Record<string, string>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const gw = await createGateway(gatewayConfigSchema.parse(env), silent);
    const server: Server = await new Promise((resolve) => {
      const s = gw.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const { port } = server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
    if (!res.ok) throw new Error('gateway not ready');
    times.push(performance.now() - t0);
    await new Promise((r) => server.close(r));
    await gw.stop();
  }
  return times;
}

async function relayVersusRawProducer(): Promise<{ relay: number[]; raw: number[] }> {
  const N = 20_000;
  const BATCH = 500;
  const db = await createTestDatabase('bench_relay');
  const ds = new DataSource({ type: 'postgres', url: db.url, extra: { max: 5 } });
  await ds.initialize();
  const runner = ds.createQueryRunner();
  await OutboxSchemaV1.up(runner);
  await runner.release();
  const prefix = topicPrefix('bench');
  const kafka = new Kafka({ clientId: 'bench', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const relayTopic = eventsTopic({ prefix }, 'grid');
  const rawTopic = `${prefix}raw`;
  await ensureTopics(admin, [relayTopic, rawTopic], { prefix, partitions: 3, retentionMs: 3_600_000 });
  await admin.disconnect();
  const outbox = new Outbox('/civgrid/bench', catalogue);
  const sample = {
    gridId: '00000000-0000-4000-8000-000000000000',
    code: 'G370911001001',
    name: '东湖社区第1网格',
    kind: 'BASIC' as const,
    areaId: '00000000-0000-4000-8000-000000000001',
    areaPath: '370911000000.370911001000.370911001001',
    path: '370911000000.370911001000.370911001001.G370911001001',
    parentGridId: null,
    status: 'ACTIVE' as const,
  };
  const result = { relay: [] as number[], raw: [] as number[] };
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    // Rounds 0 and 1 warm both paths up (JIT in Node and in the broker, connections) and are not counted.
    for (let round = 0; round < 7; round++) {
      // A: the relay, from the commit of N outbox rows to the broker's acknowledgement of the last.
      // It is already the active relay and idle (its connection, LISTEN and lock are not timed);
      // the rows are committed in one transaction, so its NOTIFY is what sets it going.
      const relay = new OutboxRelay({
        dataSource: ds,
        connectionString: db.url,
        createProducer: () => kafka.producer({ idempotent: true, maxInFlightRequests: 1 }),
        topic: relayTopic,
        logger: silent,
        lockName: `bench-${prefix}`,
        batchSize: BATCH,
        pollMs: 60_000,
      });
      await relay.connect();
      relay.start();
      while (!relay.isLeader) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 100)); // its first (empty) round is over
      const writer = ds.createQueryRunner();
      await writer.startTransaction();
      for (let i = 0; i < N; i += BATCH) {
        await outbox.add(
          writer.manager,
          ...Array.from({ length: BATCH }, (_, j) => ({
            type: 'civgrid.grid.grid-updated.v1',
            aggregateType: 'Grid',
            aggregateId: `grid-${(i + j) % 1000}`,
            data: sample,
          })),
        );
      }
      const t0 = performance.now();
      await writer.commitTransaction();
      await writer.release();
      while (relay.published < N) await new Promise((r) => setTimeout(r, 1));
      const relayRate = (N / (performance.now() - t0)) * 1000;
      await relay.stop();
      // B: kafkajs alone, the very same messages (value, key, headers) in the same batches.
      const rows = await ds.query<{ id: string; type: string; aggregateid: string; payload: string }[]>(
        `SELECT id, type, aggregateid, payload::text AS payload FROM outbox ORDER BY seq DESC LIMIT $1`,
        [N],
      );
      rows.reverse();
      const batches = Array.from({ length: N / BATCH }, (_, b) =>
        rows.slice(b * BATCH, (b + 1) * BATCH).map((row) => ({
          key: row.aggregateid,
          value: row.payload,
          headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE, ce_id: row.id, ce_type: row.type },
        })),
      );
      const t1 = performance.now();
      for (const messages of batches) await producer.send({ topic: rawTopic, acks: -1, messages });
      const rawRate = (N / (performance.now() - t1)) * 1000;
      if (round > 1) {
        result.relay.push(relayRate);
        result.raw.push(rawRate);
      }
    }
  } finally {
    await producer.disconnect();
    await ds.destroy();
    await db.drop();
  }
  return result;
}

/**
 * Commit → consumer-applied latency at a steady RATE events/s: a writer commits 10 events every
 * 10 ms through the outbox, the relay publishes them, a real consumer group applies them through
 * its inbox; each event's latency is the time from its commit to its handler's transaction.
 */
async function commitToApplied(): Promise<number[]> {
  const RATE = 1000;
  const SECONDS = 10;
  const PER_TICK = 10;
  const db = await createTestDatabase('bench_latency');
  const ds = new DataSource({ type: 'postgres', url: db.url, extra: { max: 8 } });
  await ds.initialize();
  const runner = ds.createQueryRunner();
  await OutboxSchemaV1.up(runner);
  await runner.release();
  const prefix = topicPrefix('latency');
  const kafka = new Kafka({ clientId: 'bench-latency', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  const topic = eventsTopic({ prefix }, 'grid');
  const dlq = deadLetterTopic({ prefix }, 'bench');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [topic, dlq], { prefix, partitions: 3, retentionMs: 3_600_000 });
  await admin.disconnect();
  const outbox = new Outbox('/civgrid/bench', catalogue);
  const committedAt = new Map<string, number>();
  const latency: number[] = [];
  const producer = kafka.producer();
  await producer.connect();
  const consumer = new EventConsumer({
    kafka,
    dataSource: ds,
    logger: silent,
    name: 'bench',
    groupId: `${prefix}bench`,
    topics: [topic],
    catalogue,
    producer,
    deadLetterTopic: dlq,
    handlers: {
      'civgrid.grid.grid-updated.v1': (event) => {
        const at = committedAt.get(event.subject);
        if (at !== undefined) latency.push(performance.now() - at);
        return Promise.resolve();
      },
    },
  });
  await consumer.start();
  const relay = new OutboxRelay({
    dataSource: ds,
    connectionString: db.url,
    createProducer: () => kafka.producer({ idempotent: true, maxInFlightRequests: 1 }),
    topic,
    logger: silent,
    lockName: `latency-${prefix}`,
    pollMs: 2000,
  });
  relay.start();
  const sample = {
    gridId: '00000000-0000-4000-8000-000000000000',
    code: 'G370911001001',
    name: '东湖社区第1网格',
    kind: 'BASIC' as const,
    areaId: '00000000-0000-4000-8000-000000000001',
    areaPath: '370911000000.370911001000.370911001001',
    path: '370911000000.370911001000.370911001001.G370911001001',
    parentGridId: null,
    status: 'ACTIVE' as const,
  };
  try {
    const ticks = (RATE * SECONDS) / PER_TICK;
    const t0 = performance.now();
    const writes: Promise<void>[] = [];
    for (let tick = 0; tick < ticks; tick++) {
      // Paced against the clock, not against the previous commit: a slow commit does not lower the rate.
      const due = t0 + (tick * 1000 * PER_TICK) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const ids = Array.from({ length: PER_TICK }, (_, j) => `lat-${tick}-${j}`);
      writes.push(
        ds
          .transaction((m) =>
            outbox.add(
              m,
              ...ids.map((id) => ({ type: 'civgrid.grid.grid-updated.v1', aggregateType: 'Grid', aggregateId: id, data: sample })),
            ),
          )
          .then(() => {
            const now = performance.now();
            for (const id of ids) committedAt.set(id, now);
          }),
      );
    }
    await Promise.all(writes);
    const until = Date.now() + 30_000;
    while (latency.length < RATE * SECONDS && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  } finally {
    await relay.stop();
    await consumer.stop();
    await producer.disconnect();
    await ds.destroy();
    await db.drop();
  }
  // The first second warms up connections and the JIT.
  return latency.slice(RATE);
}

async function main(): Promise<void> {
  // BENCH_ONLY=events runs the event figures alone (relay vs raw producer, commit → applied latency).
  if (process.env['BENCH_ONLY'] !== 'events') await gatewayFigures();
  await eventFigures();
  process.exit(0);
}

async function gatewayFigures(): Promise<void> {
  const stack = await startStack('bench');
  try {
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      PORT: '0',
      AUTH_ISSUER: 'civgrid-test',
      AUTH_PUBLIC_KEY: stack.keys.publicKeyPem,
    };
    for (const [name, svc] of Object.entries(stack.services)) env[SUBGRAPH_URL_ENV[name]] = svc.url;
    const start = await gatewayStartToReady(env);
    console.log(`gateway start to ready: median ${ms(median(start))} over ${start.length} starts (min ${ms(Math.min(...start))})`);

    // A district with 20 grids and 5 dwellings each; the query crosses population → grid organisation.
    const admin = await stack.token({ roles: [Role.ADMIN] });
    const { gridIds } = await createTree(stack.url, admin, 20);
    await waitForReplica(stack, 'population-registry', gridIds);
    await registerDwellings(stack.url, admin, gridIds, 5);
    const cross = `query($g: ID!) { dwellings(gridId: $g, first: 5) { edges { node { id grid { id name area { name } } } } } }`;
    const single = `query($g: ID!) { dwellings(gridId: $g, first: 5) { edges { node { id } } } }`;
    const run = async (query: string): Promise<number[]> =>
      latencies(1000, 4, async () => {
        dataOf(await gql(stack.url, query, { g: gridIds[Math.floor(Math.random() * gridIds.length)] }, admin));
      });
    await run(cross); // warm-up
    const a1 = await run(cross);
    const b1 = await run(single);
    const a2 = await run(cross);
    const b2 = await run(single);
    const a = [...a1, ...a2];
    const b = [...b1, ...b2];
    console.log(
      `cross-subgraph query (population → grid organisation), 2×1,000 requests, 4 in flight: p50 ${ms(percentile(a, 50))}, p99 ${ms(percentile(a, 99))}`,
    );
    console.log(
      `  baseline, the same query without crossing: p50 ${ms(percentile(b, 50))}, p99 ${ms(percentile(b, 99))}; ratio p50 ${(percentile(a, 50) / percentile(b, 50)).toFixed(2)}`,
    );
  } finally {
    await stack.stop();
  }
}

async function eventFigures(): Promise<void> {
  const { relay, raw } = await relayVersusRawProducer();
  const ratios = relay.map((r, i) => r / raw[i]);
  console.log(
    `outbox relay: ${relay.map((r) => r.toFixed(0)).join(', ')} events/s (commit → broker ack, 20,000 events a round, batches of 500, 5 rounds after 2 of warm-up)`,
  );
  console.log(
    `raw kafkajs producer, same broker, the same messages in the same batches: ${raw.map((r) => r.toFixed(0)).join(', ')} events/s; ` +
      `relay/raw ratio ${median(ratios).toFixed(2)} (median of the 5 A B pairs; each ${ratios.map((r) => r.toFixed(2)).join(', ')})`,
  );
  const lat = await commitToApplied();
  console.log(
    `commit → consumer-applied at 1,000 events/s (10 s, the first second not counted, ${lat.length} events): p50 ${ms(percentile(lat, 50))}, p99 ${ms(percentile(lat, 99))}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
