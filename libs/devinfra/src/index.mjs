// @civgrid/devinfra: PostgreSQL and Kafka for development and tests, without Docker.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKafka } from './kafka.mjs';
import { postgresCanReach, startPostgres } from './postgres.mjs';
import { progress } from './util.mjs';

export { startPostgres, ensureDatabase, dropDatabase, databaseUrl, DEFAULT_EXTENSIONS } from './postgres.mjs';
export { startKafka, ensureKafkaJars, kafkaVersion, defaultCacheRoot, KAFKA_DEPLOY_DIR } from './kafka.mjs';
export { freePort } from './util.mjs';

/**
 * The repository root: the nearest folder with a pnpm-workspace.yaml, from `from` upwards
 * (default: the current folder, then this package's folder).
 * @param {string} [from]
 * @returns {string}
 */
export function findRepoRoot(from) {
  const starts = from ? [from] : [process.cwd(), path.dirname(fileURLToPath(import.meta.url))];
  for (const start of starts) {
    let dir = path.resolve(start);
    for (;;) {
      if (fs.existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(`no pnpm-workspace.yaml above ${starts.join(' or ')}`);
}

/** Removes `<local>/tmp-{pg,kafka}-<pid>` folders left by runs whose process is gone. */
function removeStaleTempDirs(local) {
  let entries = [];
  try {
    entries = fs.readdirSync(local);
  } catch {
    return;
  }
  for (const name of entries) {
    const m = name.match(/^tmp-(?:pg|kafka)-(\d+)$/);
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (err) {
      if (err.code === 'ESRCH') fs.rmSync(path.join(local, name), { recursive: true, force: true });
    }
  }
}

/**
 * PostgreSQL and Kafka for this repository: taken from the environment when `DATABASE_URL` /
 * `KAFKA_BROKERS` are set, started locally otherwise (both at once).
 *
 * persistent: data in `<root>/.local/pg` and `<root>/.local/kafka`, kept between runs
 * (`npm start`). Not persistent: fresh folders `<root>/.local/tmp-{pg,kafka}-<pid>`, removed at
 * stop() (tests); PostgreSQL then runs without fsync.
 *
 * @param {{ root?: string, persistent?: boolean }} [options]
 * @returns {Promise<{ databaseUrl: string, kafkaBrokers: string[], stop: () => Promise<void> }>}
 *   databaseUrl is an admin URL (user postgres, database postgres) when PostgreSQL was started here.
 */
export async function ensureInfra({ root, persistent = false } = {}) {
  root = root ? path.resolve(root) : findRepoRoot();
  const local = path.join(root, '.local');
  fs.mkdirSync(local, { recursive: true });
  removeStaleTempDirs(local);
  const t0 = Date.now();

  const envDb = process.env.DATABASE_URL?.trim();
  const envBrokers = (process.env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);

  /** @type {Promise<{ url: string, stop: () => Promise<void> } | null>} */
  let pgPromise = Promise.resolve(null);
  if (!envDb) {
    let dataDir = path.join(local, persistent ? 'pg' : `tmp-pg-${process.pid}`);
    if (!postgresCanReach(dataDir)) {
      // Running as root in a private home folder: PostgreSQL runs as the 'postgres' user.
      const key = crypto.createHash('sha256').update(root).digest('hex').slice(0, 8);
      dataDir = path.join(os.tmpdir(), `civgrid-${key}`, persistent ? 'pg' : `tmp-pg-${process.pid}`);
      progress(`postgres: ${local} is not reachable by the 'postgres' OS user, data in ${dataDir}`);
    }
    pgPromise = startPostgres({ dataDir, durable: persistent, removeOnStop: !persistent });
  }

  /** @type {Promise<{ brokers: string[], stop: () => Promise<void> } | null>} */
  let kafkaPromise = Promise.resolve(null);
  if (envBrokers.length === 0) {
    const dataDir = path.join(local, persistent ? 'kafka' : `tmp-kafka-${process.pid}`);
    kafkaPromise = startKafka({ dataDir, removeOnStop: !persistent });
  }

  const [pgResult, kafkaResult] = await Promise.allSettled([pgPromise, kafkaPromise]);
  if (pgResult.status === 'rejected' || kafkaResult.status === 'rejected') {
    await Promise.allSettled([pgResult, kafkaResult].map((r) => (r.status === 'fulfilled' && r.value ? r.value.stop() : undefined)));
    const errors = [pgResult, kafkaResult].filter((r) => r.status === 'rejected').map((r) => r.reason);
    throw errors.length === 1 ? errors[0] : new AggregateError(errors, errors.map((e) => e.message).join('\n'));
  }
  const pgServer = pgResult.value;
  const kafkaServer = kafkaResult.value;
  if (pgServer || kafkaServer) progress(`infrastructure ready in ${Date.now() - t0} ms`);

  let stopping;
  return {
    databaseUrl: pgServer ? pgServer.url : /** @type {string} */ (envDb),
    kafkaBrokers: kafkaServer ? kafkaServer.brokers : envBrokers,
    stop() {
      stopping ??= Promise.all([pgServer?.stop(), kafkaServer?.stop()]).then(() => undefined);
      return stopping;
    },
  };
}
