// Smoke test of the infrastructure given by DATABASE_URL / KAFKA_BROKERS (run it through
// `civgrid-infra run -- node test/smoke.mjs`, which starts both when they are not set):
// PostgreSQL with the extensions the services need, and what the services ask of Kafka with
// kafkajs 2.2.4 (explicit topics, idempotent producer with acks=-1, consumer groups).
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { dropDatabase, ensureDatabase } from '../src/index.mjs';

const { Kafka, logLevel, Partitioners } = kafkajs;
const t0 = Date.now();
const step = (what) => process.stderr.write(`smoke: ${what} (${Date.now() - t0} ms)\n`);
const timeout = setTimeout(() => {
  process.stderr.write('smoke: timed out after 90 s\n');
  process.exit(1);
}, 90_000);

const adminUrl = process.env.DATABASE_URL;
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
assert.ok(adminUrl, 'DATABASE_URL is not set');
assert.ok(brokers.length, 'KAFKA_BROKERS is not set');

// --- PostgreSQL ---
const dbName = `devinfra_smoke_${process.pid}`;
const url = await ensureDatabase(adminUrl, dbName);
await ensureDatabase(adminUrl, dbName); // idempotent
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  const { rows } = await client.query(
    `SELECT current_setting('server_version_num')::int AS version,
            'civgrid.grid.cell'::ltree @> 'civgrid.grid.cell.x'::ltree AS ltree,
            gen_random_uuid() IS NOT NULL AS pgcrypto,
            upper('élan') AS upper`,
  );
  assert.ok(rows[0].version >= 180000, `PostgreSQL 18 expected, got ${rows[0].version}`);
  assert.equal(rows[0].ltree, true);
  assert.equal(rows[0].pgcrypto, true);
  assert.equal(rows[0].upper, 'ÉLAN');
  // btree_gist: an exclusion constraint mixing = and && (what "no overlapping terms" needs)
  await client.query(`CREATE TABLE term (seat int, during tstzrange, EXCLUDE USING gist (seat WITH =, during WITH &&))`);
  await client.query(`INSERT INTO term VALUES (1, tstzrange('2026-01-01', '2027-01-01'))`);
  await assert.rejects(client.query(`INSERT INTO term VALUES (1, tstzrange('2026-06-01', '2027-06-01'))`), { code: '23P01' });
} finally {
  await client.end();
}
await dropDatabase(adminUrl, dbName);
step('postgres ok');

// --- Kafka ---
const kafka = new Kafka({ clientId: 'devinfra-smoke', brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const topic = `devinfra-smoke-${process.pid}-${Date.now()}`;
await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
const consumer = kafka.consumer({ groupId: `devinfra-smoke-${process.pid}`, sessionTimeout: 6000, heartbeatInterval: 500 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
const received = new Set();
await new Promise((resolve, reject) => {
  consumer
    .run({
      eachMessage: async ({ message }) => {
        received.add(message.value.toString());
        if (received.size === 10) resolve();
      },
    })
    .catch(reject);
});
await consumer.disconnect();
await producer.disconnect();
await admin.deleteTopics({ topics: [topic] });
await admin.disconnect();
assert.equal(received.size, 10);
step('kafka ok');

clearTimeout(timeout);
process.stdout.write('devinfra smoke test: ok\n');
