import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { CLOUDEVENTS_CONTENT_TYPE } from './cloudevent';
import { RelayObserver, startPublishSpan } from './observe';

export interface RelayOptions {
  dataSource: DataSource;
  /** A dedicated connection for LISTEN and for the leader lock. */
  connectionString: string;
  producer: Producer;
  topic: string;
  logger: Logger;
  /** Names the leader lock: one active relay per service, however many instances run. */
  lockName: string;
  batchSize?: number;
  /** The safety-net poll when no notification arrives. */
  pollMs?: number;
  /** Called before each send, e.g. to (re)connect the producer after an outage. */
  beforeSend?: () => Promise<void>;
  /** Told of each published batch and each failed round (metrics). */
  observer?: RelayObserver;
}

interface OutboxRow {
  id: string;
  aggregateid: string;
  type: string;
  /** The envelope as stored, sent as it is: no parse and re-serialise on the hot path. */
  payload: string;
  /** The event's CloudEvents traceparent, when it was written in a trace. */
  traceparent: string | null;
}

/**
 * Moves committed outbox rows to Kafka. Rows are claimed with FOR UPDATE SKIP LOCKED (a cursor
 * "after the last id" would skip rows whose transactions commit out of order) and marked published
 * only after the broker acknowledged with acks=all. Woken by NOTIFY; polls slowly as a safety net.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollMs: number;
  private listener: Client | undefined;
  private leader = false;
  private stopped = true;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private pendingWake = false;
  published = 0;

  constructor(private readonly options: RelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollMs = options.pollMs ?? 2000;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.dropListener();
  }

  /** Publishes one batch; returns how many rows it published. */
  async drainOnce(): Promise<number> {
    const { dataSource, producer, topic } = this.options;
    return dataSource.transaction(async (manager) => {
      // The leader lock lives on the listening connection; should that connection drop while a batch
      // is in flight, a new leader could drain beside the old one and interleave one aggregate's
      // events. This per-batch lock (another key space: two keys) lets one batch run at a time.
      const [{ mine }]: { mine: boolean }[] = await manager.query('SELECT pg_try_advisory_xact_lock(hashtext($1), 1) AS mine', [
        this.options.lockName,
      ]);
      if (!mine) return 0;
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, aggregateid, type, payload::text AS payload, payload->>'traceparent' AS traceparent FROM outbox
          WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      );
      if (rows.length === 0) return 0;
      await this.options.beforeSend?.();
      const started = process.hrtime.bigint();
      const spans = rows.map((row) => startPublishSpan(topic, row.id, row.traceparent, rows.length));
      try {
        await producer.send({
          topic,
          acks: -1,
          messages: rows.map((row, i) => ({
            key: row.aggregateid,
            value: row.payload,
            headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE, ce_id: row.id, ce_type: row.type, ...spans[i].headers },
          })),
        });
      } catch (error) {
        for (const span of spans) span.end(error);
        throw error;
      }
      for (const span of spans) span.end();
      await manager.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id)]);
      this.published += rows.length;
      this.options.observer?.published(rows.length, Number(process.hrtime.bigint() - started) / 1e9);
      return rows.length;
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!this.leader) await this.tryLead();
        if (!this.leader) {
          await this.sleep(this.pollMs);
          continue;
        }
        const count = await this.drainOnce();
        failures = 0;
        if (count < this.batchSize) await this.sleep(this.pollMs);
      } catch (error) {
        failures += 1;
        this.options.observer?.failed();
        const delay = Math.min(10_000, 200 * 2 ** Math.min(failures, 6));
        this.options.logger.warn({ err: error, failures, retryInMs: delay }, 'outbox relay could not publish; events wait in the outbox');
        await this.recordFailure(error);
        await this.sleep(delay);
      }
    }
  }

  private async tryLead(): Promise<void> {
    if (!this.listener) {
      const client = new Client({ connectionString: this.options.connectionString });
      client.on('notification', () => this.notify());
      client.on('error', (error) => {
        this.options.logger.warn({ err: error }, 'outbox relay lost its listening connection');
        this.leader = false;
        this.listener = undefined;
      });
      await client.connect();
      await client.query('LISTEN outbox');
      this.listener = client;
    }
    // Session-level advisory lock: held while this connection lives, released when it dies.
    const { rows } = await this.listener.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
      this.options.lockName,
    ]);
    this.leader = rows[0]?.locked === true;
    if (this.leader) this.options.logger.info({ lock: this.options.lockName }, 'outbox relay is the active relay');
  }

  private notify(): void {
    if (this.wake) this.wake();
    else this.pendingWake = true;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.pendingWake) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async recordFailure(error: unknown): Promise<void> {
    try {
      await this.options.dataSource.query(
        `UPDATE outbox SET attempts = attempts + 1, last_error = $1
          WHERE id IN (SELECT id FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $2)`,
        [String(error instanceof Error ? error.message : error).slice(0, 1000), this.batchSize],
      );
    } catch {
      // The database may be what failed; the next round tries again.
    }
  }

  private async dropListener(): Promise<void> {
    const client = this.listener;
    this.listener = undefined;
    this.leader = false;
    if (client) await client.end().catch(() => undefined);
  }
}
