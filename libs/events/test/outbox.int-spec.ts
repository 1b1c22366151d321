import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { createTestDatabase, eventually, kafkaBrokers, readTopic, TestDatabase, topicPrefix } from '@civgrid/testing';
import {
  deadLetterTopic,
  ensureTopics,
  EventCatalogue,
  EventConsumer,
  eventsTopic,
  Outbox,
  OutboxRelay,
  OutboxSchemaV1,
  listDeadLetters,
  parseCloudEvent,
  redriveDeadLetters,
  redriveTopic,
} from '../src';

const TYPE = 'civgrid.test.thing-happened.v1';
const catalogue = new EventCatalogue({
  [TYPE]: { type: 'object', additionalProperties: false, required: ['n'], properties: { n: { type: 'integer' } } },
});
const logger = pino({ level: process.env.TEST_LOG ?? 'silent' });

let db: TestDatabase;
let ds: DataSource;
let kafka: Kafka;
const prefix = topicPrefix('outbox');
const topic = eventsTopic({ prefix }, 'test');
const settings = { prefix, partitions: 3, retentionMs: 3_600_000 };

beforeAll(async () => {
  db = await createTestDatabase('outbox');
  ds = new DataSource({ type: 'postgres', url: db.url, extra: { max: 25 } });
  await ds.initialize();
  const runner = ds.createQueryRunner();
  await OutboxSchemaV1.up(runner);
  await runner.query('CREATE TABLE thing (id int PRIMARY KEY)');
  await runner.query('CREATE TABLE applied (event_id text, n int)');
  await runner.release();
  kafka = new Kafka({ clientId: 'outbox-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [topic, deadLetterTopic({ prefix }, 'test-consumer')], settings);
  await admin.disconnect();
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

const outbox = new Outbox('/civgrid/test', catalogue);

const idempotent = () => kafka.producer({ idempotent: true, maxInFlightRequests: 1 });

function relayFor(lockName = `lock-${prefix}`, topicName = topic) {
  return new OutboxRelay({
    dataSource: ds,
    connectionString: db.url,
    createProducer: idempotent,
    topic: topicName,
    logger,
    lockName,
    pollMs: 200,
    batchSize: 7,
  });
}

describe('outbox and relay', () => {
  it('refuses an event outside a transaction and an event that does not match its schema, writing nothing', async () => {
    await expect(outbox.add(ds.manager, { type: TYPE, aggregateType: 'Thing', aggregateId: 'x', data: { n: 1 } })).rejects.toThrow(
      /inside the transaction/,
    );
    await expect(
      ds.transaction(async (m) => {
        await m.query('INSERT INTO thing (id) VALUES (-1)');
        await outbox.add(m, { type: TYPE, aggregateType: 'Thing', aggregateId: 'x', data: { n: 'one' } });
      }),
    ).rejects.toThrow(/does not match its schema/);
    const [row] = await ds.query(
      `SELECT (SELECT count(*) FROM thing WHERE id = -1)::int AS things, (SELECT count(*) FROM outbox)::int AS events`,
    );
    expect(row).toEqual({ things: 0, events: 0 });
  });

  it('writes a set of events in one statement with the envelope add() writes, and refuses the whole set if one breaks its schema', async () => {
    const written = await ds.transaction((m) =>
      outbox.addSelected(m, {
        type: TYPE,
        aggregateType: 'Thing',
        select: `SELECT 'set-' || n AS aggregate_id, jsonb_build_object('n', n) AS data FROM generate_series(1, 3) n ORDER BY n`,
      }),
    );
    expect(written).toBe(3);
    const rows = await ds.query<{ aggregateid: string; aggregatetype: string; type: string; payload: string }[]>(
      `SELECT aggregateid, aggregatetype, type, payload::text AS payload FROM outbox WHERE aggregateid LIKE 'set-%' ORDER BY seq`,
    );
    expect(rows.map((r) => r.aggregateid)).toEqual(['set-1', 'set-2', 'set-3']);
    for (const row of rows) {
      const event = parseCloudEvent(row.payload);
      expect(event).toMatchObject({ source: '/civgrid/test', type: TYPE, subject: row.aggregateid, datacontenttype: 'application/json' });
      expect(event.data).toEqual({ n: Number(row.aggregateid.slice(4)) });
      expect(Date.parse(event.time)).not.toBeNaN();
      expect(row).toMatchObject({ aggregatetype: 'Thing', type: TYPE });
    }

    const before = await ds.query(`SELECT count(*)::int AS n FROM outbox`);
    await expect(
      ds.transaction((m) =>
        outbox.addSelected(m, {
          type: TYPE,
          aggregateType: 'Thing',
          // The third event's n is a string: the schema wants an integer.
          select: `SELECT 'bad-' || n AS aggregate_id, CASE WHEN n = 3 THEN jsonb_build_object('n', 'three') ELSE jsonb_build_object('n', n) END AS data
                     FROM generate_series(1, 3) n`,
        }),
      ),
    ).rejects.toThrow(/does not match its schema/);
    expect(await ds.query(`SELECT count(*)::int AS n FROM outbox`)).toEqual(before);
  });

  it('loses nothing when 20 writers commit concurrently in random order, and publishes each event once', async () => {
    const relay = relayFor();
    relay.start();
    const writers = Array.from({ length: 20 }, (_, w) =>
      ds.transaction(async (m) => {
        // Hold the transaction open a random while, so later sequence numbers often commit first.
        for (let i = 0; i < 5; i++) {
          const n = w * 100 + i;
          await m.query('INSERT INTO thing (id) VALUES ($1)', [n]);
          await outbox.add(m, { type: TYPE, aggregateType: 'Thing', aggregateId: `thing-${n}`, data: { n } });
        }
        await new Promise((r) => setTimeout(r, Math.random() * 300));
      }),
    );
    await Promise.all(writers);
    // Only this test's events count: other tests write to the same outbox and topic.
    const mine = <M extends { key: string | null }>(m: M[]): M[] => m.filter((x) => /^thing-\d+$/.test(x.key ?? ''));
    const messages = mine(await readTopic(topic, (m) => new Set(mine(m).map((x) => x.key)).size >= 100, 30_000));
    await relay.stop();
    const keys = messages.map((m) => m.key);
    expect(new Set(keys).size).toBe(100);
    expect(keys).toHaveLength(100);
    const [pending] = await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`);
    expect(pending.n).toBe(0);
    for (const m of messages) expect(() => parseCloudEvent(JSON.stringify(m.value))).not.toThrow();
  });

  it('publishes many events of one aggregate in their order, interleaved with others, while it marks earlier batches', async () => {
    const relay = relayFor();
    relay.start();
    // 6 aggregates, 40 events each; each aggregate's writer commits one or two events at a time (its
    // order is its commit order), all six side by side, so batches of 7 mix aggregates and the relay
    // claims and sends the next batch while earlier ones are being marked.
    const writers = Array.from({ length: 6 }, async (_, a) => {
      for (let n = 0; n < 40;) {
        const take = Math.min(40 - n, 1 + (n % 2));
        const from = n;
        await ds.transaction((m) =>
          outbox.add(
            m,
            ...Array.from({ length: take }, (_, i) => ({
              type: TYPE,
              aggregateType: 'Thing',
              aggregateId: `ordered-${a}`,
              data: { n: from + i },
            })),
          ),
        );
        n += take;
      }
    });
    await Promise.all(writers);
    const mine = <M extends { key: string | null }>(m: M[]): M[] => m.filter((x) => /^ordered-\d$/.test(x.key ?? ''));
    const messages = mine(await readTopic(topic, (m) => mine(m).length >= 240, 30_000));
    await eventually(async () => {
      const [row] = await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE aggregateid LIKE 'ordered-%' AND published_at IS NULL`);
      expect(row.n).toBe(0);
      return true;
    });
    await relay.stop();
    expect(messages).toHaveLength(240);
    for (let a = 0; a < 6; a++) {
      const ns = messages.filter((m) => m.key === `ordered-${a}`).map((m) => (m.value as { data: { n: number } }).data.n);
      expect(ns).toEqual(Array.from({ length: 40 }, (_, i) => i));
    }
    const attempts = await ds.query(`SELECT DISTINCT attempts FROM outbox WHERE aggregateid LIKE 'ordered-%'`);
    expect(attempts).toEqual([{ attempts: 1 }]);
  });

  it('recovers by itself when its sends fail (the topic deleted under it, then re-created), in order per aggregate', async () => {
    const recTopic = eventsTopic({ prefix }, 'recover');
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [recTopic], settings);
    const relay = new OutboxRelay({
      dataSource: ds,
      connectionString: db.url,
      createProducer: () =>
        kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          allowAutoTopicCreation: false,
          retry: { retries: 2, maxRetryTime: 500 },
        }),
      topic: recTopic,
      logger,
      lockName: `recover-${prefix}`,
      pollMs: 200,
      batchSize: 5,
      maxBackoffMs: 500,
    });
    const write = (from: number, to: number) =>
      ds.transaction((m) =>
        outbox.add(
          m,
          ...Array.from({ length: to - from }, (_, i) => ({
            type: TYPE,
            aggregateType: 'Thing',
            aggregateId: `rec-${(from + i) % 3}`,
            data: { n: from + i },
          })),
        ),
      );
    const unpublished = async () =>
      (await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE aggregateid LIKE 'rec-%' AND published_at IS NULL`))[0].n as number;
    try {
      relay.start();
      await write(0, 12);
      await eventually(async () => ((await unpublished()) === 0 ? true : undefined), 20_000, 100);
      expect(relay.status().producerGeneration).toBe(1);

      // The producer's sequence numbers now belong to partitions that no longer exist.
      await admin.deleteTopics({ topics: [recTopic], timeout: 10_000 });
      await eventually(async () => (!(await admin.listTopics()).includes(recTopic) ? true : undefined), 15_000, 200);
      await write(12, 40);
      // The sends fail while the topic is gone; each failure drops the producer.
      await eventually(async () => (relay.status().consecutiveFailures > 0 ? true : undefined), 30_000, 100);
      expect(await unpublished()).toBe(28);
      await ensureTopics(admin, [recTopic], settings);
      await eventually(async () => ((await unpublished()) === 0 ? true : undefined), 30_000, 200);
      // The old producer failed and was replaced by a fresh one: that is how it got through.
      expect(relay.status().producerGeneration).toBeGreaterThan(1);
      const messages = (
        await readTopic(recTopic, (m) => new Set(m.map((x) => (x.value as { data: { n: number } }).data.n)).size >= 28, 20_000)
      ).map((m) => ({ key: m.key, n: (m.value as { data: { n: number } }).data.n }));
      expect(new Set(messages.map((m) => m.n))).toEqual(new Set(Array.from({ length: 28 }, (_, i) => 12 + i)));
      // Resent after a failure, events may repeat; one aggregate's first deliveries stay in commit order.
      for (const key of ['rec-0', 'rec-1', 'rec-2']) {
        const firsts = [...new Set(messages.filter((m) => m.key === key).map((m) => m.n))];
        expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
      }
    } finally {
      await relay.stop();
      await admin.disconnect();
    }
  }, 90_000);

  it('backs off after a failure however many commits notify it, and counts each real attempt once', async () => {
    const dead = new Kafka({
      clientId: 'dead',
      brokers: ['127.0.0.1:1'],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 200,
    });
    const relay = new OutboxRelay({
      dataSource: ds,
      connectionString: db.url,
      createProducer: () => dead.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 1, maxRetryTime: 50 } }),
      topic,
      logger,
      lockName: `backoff-${prefix}`,
      pollMs: 5000,
      batchSize: 1000,
      maxBackoffMs: 1000,
    });
    // Rows of other tests in this outbox are already published; this relay sees only these.
    await ds.query(`UPDATE outbox SET published_at = now() WHERE published_at IS NULL`);
    relay.start();
    const started = Date.now();
    // A commit every 50 ms, each with its NOTIFY, for 3 s.
    for (let i = 0; Date.now() - started < 3000; i++) {
      await ds.transaction((m) => outbox.add(m, { type: TYPE, aggregateType: 'Thing', aggregateId: `backoff-${i}`, data: { n: i } }));
      await new Promise((r) => setTimeout(r, 50));
    }
    await relay.stop();
    const [first] = await ds.query(`SELECT attempts, last_error FROM outbox WHERE aggregateid = 'backoff-0'`);
    // Backoff 250, 500, 1000, 1000 ms…: at most about six attempts in 3 s (a notification per commit would make ~60).
    expect(first.attempts).toBeGreaterThanOrEqual(2);
    expect(first.attempts).toBeLessThanOrEqual(7);
    expect(first.last_error).toEqual(expect.any(String));
    expect(relay.status()).toMatchObject({ leader: false, producerConnected: false });
    expect(relay.status().consecutiveFailures).toBe(first.attempts);
    await ds.query(`DELETE FROM outbox WHERE aggregateid LIKE 'backoff-%'`);
  }, 30_000);

  it('runs one active relay when two instances start', async () => {
    const lock = `two-${prefix}`;
    const a = relayFor(lock);
    const b = relayFor(lock);
    a.start();
    b.start();
    await new Promise((r) => setTimeout(r, 1000));
    expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
    await a.stop();
    await b.stop();
  });

  it('applies a redelivered event once, and parks a failing one in the dead-letter topic with the reason', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const dlq = deadLetterTopic({ prefix }, 'test-consumer');
    const consumer = new EventConsumer({
      kafka,
      dataSource: ds,
      logger,
      name: 'test-consumer',
      groupId: `g-${prefix}`,
      topics: [topic],
      catalogue,
      producer,
      deadLetterTopic: dlq,
      maxAttempts: 2,
      retryDelayMs: 10,
      handlers: {
        [TYPE]: async (event, m) => {
          const n = (event.data as { n: number }).n;
          if (n === 666) throw new Error('the handler cannot take 666');
          await m.query('INSERT INTO applied (event_id, n) VALUES ($1, $2)', [event.id, n]);
        },
      },
    });
    const message = (id: string, n: number) => ({
      key: Buffer.from('k'),
      value: Buffer.from(
        JSON.stringify({
          specversion: '1.0',
          id,
          source: '/t',
          type: TYPE,
          subject: 'k',
          time: new Date().toISOString(),
          datacontenttype: 'application/json',
          data: { n },
        }),
      ),
      headers: {},
    });
    await consumer.handle(topic, message('evt-1', 1));
    await consumer.handle(topic, message('evt-1', 1));
    await consumer.handle(topic, message('evt-1', 1));
    const applied = await ds.query(`SELECT n FROM applied WHERE event_id = 'evt-1'`);
    expect(applied).toEqual([{ n: 1 }]);

    await consumer.handle(topic, message('evt-bad', 666));
    await consumer.handle(topic, { key: null, value: Buffer.from('not json'), headers: {} });
    const parked = await readTopic(dlq, (m) => m.length >= 2, 15_000);
    const reasons = parked.map((m) => m.headers['civgrid-dlq-reason']);
    expect(reasons).toEqual(expect.arrayContaining([expect.stringMatching(/cannot take 666/), expect.stringMatching(/^malformed: /)]));
    const none = await ds.query(`SELECT count(*)::int AS n FROM applied WHERE n = 666`);
    expect(none[0].n).toBe(0);
    await producer.disconnect();
  });

  it('parks a poison record with its source partition and offset, applies the next good one, and redrives a fixed one once', async () => {
    const source = eventsTopic({ prefix }, 'poison');
    const dlq = deadLetterTopic({ prefix }, 'poison-consumer');
    const redrive = redriveTopic({ prefix }, 'poison-consumer');
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [source, dlq, redrive], settings);
    await admin.disconnect();
    await ds.query('CREATE TABLE IF NOT EXISTS allowed (n int PRIMARY KEY)');
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const consumer = new EventConsumer({
      kafka,
      dataSource: ds,
      logger,
      name: 'poison-consumer',
      groupId: `poison-${prefix}`,
      topics: [source],
      redriveTopic: redrive,
      catalogue,
      producer,
      deadLetterTopic: dlq,
      maxAttempts: 2,
      retryDelayMs: 10,
      handlers: {
        [TYPE]: async (event, m) => {
          const { n } = event.data as { n: number };
          // Refused until the operator "fixes" it by allowing the number.
          if (n >= 4000 && (await m.query('SELECT 1 FROM allowed WHERE n = $1', [n])).length === 0)
            throw new Error(`${n} is not allowed yet`);
          await m.query('INSERT INTO applied (event_id, n) VALUES ($1, $2)', [event.id, n]);
        },
      },
    });
    const envelope = (id: string, n: number) =>
      JSON.stringify({
        specversion: '1.0',
        id,
        source: '/t',
        type: TYPE,
        subject: 'p',
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        data: { n },
      });
    const applied = async (n: number) => (await ds.query(`SELECT count(*)::int AS c FROM applied WHERE n = $1`, [n]))[0].c as number;
    try {
      await consumer.start();
      const [poisonAck] = await producer.send({
        topic: source,
        acks: -1,
        messages: [{ key: 'p', value: envelope(`poison-${prefix}`, 4001) }],
      });
      const [garbageAck] = await producer.send({ topic: source, acks: -1, messages: [{ key: 'p', value: 'not json' }] });
      await producer.send({ topic: source, acks: -1, messages: [{ key: 'p', value: envelope(`good-${prefix}`, 42) }] });
      await eventually(async () => ((await applied(42)) === 1 ? true : undefined), 20_000, 100);

      const parked = await eventually(
        async () => {
          const list = await listDeadLetters(kafka, dlq);
          return list.length >= 2 ? list : undefined;
        },
        20_000,
        200,
      );
      const poison = parked.find((d) => d.eventId === `poison-${prefix}`)!;
      expect(poison).toMatchObject({
        key: 'p',
        eventType: TYPE,
        consumer: 'poison-consumer',
        group: `poison-${prefix}`,
        source: { topic: source, partition: poisonAck.partition, offset: poisonAck.baseOffset },
        reason: expect.stringMatching(/handler failed 2 times: 4001 is not allowed yet/),
      });
      expect(Date.parse(poison.firstFailureAt!)).toBeLessThanOrEqual(Date.parse(poison.lastFailureAt!));
      const garbage = parked.find((d) => d.eventId === null)!;
      expect(garbage).toMatchObject({ source: { topic: source, partition: garbageAck.partition, offset: garbageAck.baseOffset } });
      expect(garbage.reason).toMatch(/^malformed: /);
      expect(await applied(4001)).toBe(0);

      // Fixed: redrive it (twice, as an operator might); it is applied once.
      await ds.query('INSERT INTO allowed (n) VALUES (4001)');
      expect((await redriveDeadLetters(kafka, dlq, redrive, `poison-${prefix}`)).map((d) => d.eventId)).toEqual([`poison-${prefix}`]);
      await eventually(async () => ((await applied(4001)) === 1 ? true : undefined), 20_000, 100);
      await redriveDeadLetters(kafka, dlq, redrive, poison.id);
      await new Promise((r) => setTimeout(r, 1500));
      expect(await applied(4001)).toBe(1);
    } finally {
      await consumer.stop();
      await producer.disconnect();
    }
  }, 90_000);

  it('hands every partition to the instance that stays when another stops while still joining', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    // Each instance records the events it applied under its own sign.
    const instance = (sign: 1 | -1) =>
      new EventConsumer({
        kafka,
        dataSource: ds,
        logger,
        name: 'handover-consumer',
        groupId: `handover-${prefix}`,
        topics: [topic],
        catalogue,
        producer,
        deadLetterTopic: deadLetterTopic({ prefix }, 'test-consumer'),
        handlers: {
          [TYPE]: async (event, m) => {
            const { n } = event.data as { n: number };
            await m.query('INSERT INTO applied (event_id, n) VALUES ($1, $2)', [event.id, sign * n]);
          },
        },
      });
    const staying = instance(1);
    await staying.start();
    // A second instance is stopped mid-start, as a rolling deploy or a crash loop does. Had it joined
    // without leaving, its partitions would stay with it for a whole session timeout (30 s).
    const leaving = instance(-1);
    const joining = leaving.start().catch(() => undefined);
    await leaving.stop();
    await joining;
    const ns = Array.from({ length: 30 }, (_, i) => 5000 + i);
    await producer.send({
      topic,
      acks: -1,
      messages: ns.map((n) => ({
        key: `handover-${n}`,
        value: JSON.stringify({
          specversion: '1.0',
          id: `handover-${prefix}-${n}`,
          source: '/t',
          type: TYPE,
          subject: `handover-${n}`,
          time: new Date().toISOString(),
          datacontenttype: 'application/json',
          data: { n },
        }),
      })),
    });
    try {
      await eventually(async () => {
        const [row] = await ds.query(`SELECT count(*)::int AS n FROM applied WHERE n >= 5000`);
        return row.n === ns.length ? true : undefined;
      }, 15_000);
      expect(await ds.query(`SELECT count(*)::int AS n FROM applied WHERE n <= -5000`)).toEqual([{ n: 0 }]);
    } finally {
      await staying.stop();
      await producer.disconnect();
    }
  });
});
