import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { CLOUDEVENTS_CONTENT_TYPE } from './cloudevent';
import { SelfHealingProducer } from './producer';
import { RelayObserver, startPublishSpan } from './observe';

export interface RelayOptions {
  dataSource: DataSource;
  /** A dedicated connection for LISTEN, the leader lock, and the claims of the active relay. */
  connectionString: string;
  /**
   * Makes a fresh idempotent producer (`idempotent: true, maxInFlightRequests: 1`). The relay owns
   * it: it connects it, and after any failed send disconnects it and makes a new one.
   */
  createProducer: () => Producer;
  topic: string;
  logger: Logger;
  /** Names the leader lock: one active relay per service, however many instances run. */
  lockName: string;
  batchSize?: number;
  /** The safety-net poll when no notification arrives. */
  pollMs?: number;
  /** The longest wait after a failure (exponential from 250 ms up to this). */
  maxBackoffMs?: number;
  /** Told of each published batch and each failed round (metrics). */
  observer?: RelayObserver;
}

interface OutboxRow {
  id: string;
  seq: string;
  aggregateid: string;
  type: string;
  /** The envelope as stored, sent as it is: no parse and re-serialise on the hot path. */
  payload: string;
  /** The event's CloudEvents traceparent, when it was written in a trace. */
  traceparent: string | null;
  /** Transaction ids in progress at the claim, comma-separated (the same on every row). */
  running: string | null;
}

const runningAt = (batch: OutboxRow[]): string[] => batch[0]?.running?.split(',') ?? [];

export interface RelayStatus {
  leader: boolean;
  producerConnected: boolean;
  /** Producers made so far: more than one means the relay replaced a failed one. */
  producerGeneration: number;
  published: number;
  consecutiveFailures: number;
  lastError: string | null;
  lastFailureAt: string | null;
  lastPublishedAt: string | null;
}

/** Marks acknowledged rows published (the relay's only UPDATE of published_at). */
export const MARK_SQL = `UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE seq = ANY($1::bigint[])`;

/**
 * The relay's claim: the next unpublished rows after a position, in commit-sequence order. The
 * partial index on unpublished rows serves it as an index scan however many published rows the
 * table holds (`outbox.seq`: a bare `seq` would sort by the text column of the select list).
 * `running`: the transactions in progress in the claim's own snapshot (but the relay's marks), the
 * only ones that can still commit a row below the rows it returns (see drainOnce).
 */
export const CLAIM_SQL = `SELECT id, seq::text AS seq, aggregateid, type, payload::text AS payload,
  payload->>'traceparent' AS traceparent,
  (SELECT string_agg(x::text, ',') FROM pg_snapshot_xip(pg_current_snapshot()) x
    WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.backend_xid = xid(x) AND a.query = '${MARK_SQL}')) AS running
  FROM outbox WHERE published_at IS NULL AND outbox.seq > $1 ORDER BY outbox.seq LIMIT $2`;

/**
 * Retention: published rows older than the cutoff ($1), oldest first along the sequence index, at
 * most $2 per statement (old rows sit at the low end of the sequence, so this stops early).
 */
export const PRUNE_OUTBOX_SQL = `DELETE FROM outbox WHERE seq = ANY (ARRAY(
  SELECT seq FROM outbox WHERE published_at IS NOT NULL AND published_at < $1 ORDER BY seq LIMIT $2))`;

/** Retention of consumed event ids: an id older than the topics' retention cannot come again. */
export const PRUNE_INBOX_SQL = `DELETE FROM inbox WHERE ctid = ANY (ARRAY(
  SELECT ctid FROM inbox WHERE received_at < $1 LIMIT $2))`;

/** Prunes published outbox rows and inbox ids older than their cutoffs; returns how many went. */
export async function pruneEvents(
  manager: { query(sql: string, params: unknown[]): Promise<unknown> },
  cutoffs: { outbox: Date; inbox: Date },
  chunk = 10_000,
  maxChunks = 20,
): Promise<{ outbox: number; inbox: number }> {
  const count = (r: unknown): number => (Array.isArray(r) && typeof r[1] === 'number' ? r[1] : 0);
  const pruned = { outbox: 0, inbox: 0 };
  for (const [table, sql, cutoff] of [
    ['outbox', PRUNE_OUTBOX_SQL, cutoffs.outbox],
    ['inbox', PRUNE_INBOX_SQL, cutoffs.inbox],
  ] as const) {
    for (let i = 0; i < maxChunks; i++) {
      const n = count(await manager.query(sql, [cutoff, chunk]));
      pruned[table] += n;
      if (n < chunk) break;
    }
  }
  return pruned;
}

/** The longest round: then the next one starts again from the oldest unpublished row. */
const ROUND_MS = 1000;

/**
 * Marks acknowledged rows published beside the sends, one UPDATE at a time: each UPDATE takes every
 * row (by `seq`) acknowledged since the previous one began, so the send loop waits for a mark only
 * while more than `limit` rows wait for theirs (which bounds what a crash would send again). A failed
 * mark stops the marks: `add` and `flush` then throw, and the unmarked rows are sent again (at least once).
 */
export class PendingMarks {
  private seqs: string[] = [];
  private running: Promise<void> | undefined;
  /** The UPDATE in flight. */
  private current: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly mark: (seqs: string[]) => Promise<void>,
    private readonly limit: number,
  ) {}

  /** Queues rows whose send was acknowledged. */
  async add(seqs: string[]): Promise<void> {
    this.throwIfFailed();
    for (const seq of seqs) this.seqs.push(seq);
    this.kick();
    while (this.seqs.length > this.limit && this.current) await this.current;
    this.throwIfFailed();
  }

  /** Waits until every queued row is marked; throws the failure of a mark, if one failed. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  private kick(): void {
    if (this.running) return;
    this.running = (async () => {
      while (this.seqs.length > 0 && !this.failure) {
        const seqs = this.seqs;
        this.seqs = [];
        this.current = this.mark(seqs).catch((error: unknown) => {
          this.failure = { error };
        });
        await this.current;
      }
    })().finally(() => {
      this.running = undefined;
      this.current = undefined;
    });
  }
}

class SendFailed extends Error {
  constructor(
    readonly ids: string[],
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * Moves committed outbox rows to Kafka, at least once and in `seq` order per aggregate (key =
 * aggregate id, one send in flight, an idempotent producer with acks=all). One relay per service is
 * active: it holds a session advisory lock on its own connection and claims rows only on that
 * connection, so a relay whose connection dropped cannot claim again. Marks go through the pool
 * (`dataSource`): a mark only records an acknowledgement the broker gave, whoever leads by then.
 *
 * Pipelined: while one batch is on its way to the broker, the next is read from the outbox on the
 * relay's connection and the ones acknowledged before it are marked published on another, batch after
 * batch while rows keep committing (see drainOnce); on two cores the claim and the mark together take
 * about as long as a send, so on one connection they held the sends up.
 * A batch is sent only after the one before it was acknowledged; a failure ends the round, and the next round starts again from the oldest unpublished row.
 * After any failed send the producer is replaced by a fresh one (see SelfHealingProducer), and the
 * relay waits out its backoff: a NOTIFY shortens the idle poll, never a failure backoff.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly maxBackoffMs: number;
  private readonly producer: SelfHealingProducer;
  private listener: Client | undefined;
  private leader = false;
  private stopped = true;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private pendingWake = false;
  private failures = 0;
  private lastFailureAt: Date | undefined;
  private lastPublishedAt: Date | undefined;
  private lastError: string | undefined;
  published = 0;

  constructor(private readonly options: RelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollMs = options.pollMs ?? 2000;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.producer = new SelfHealingProducer(options.createProducer, options.logger);
  }

  get isLeader(): boolean {
    return this.leader;
  }

  status(): RelayStatus {
    return {
      leader: this.leader,
      producerConnected: this.producer.connected,
      producerGeneration: this.producer.generation,
      published: this.published,
      consecutiveFailures: this.failures,
      lastError: this.lastError ?? null,
      lastFailureAt: this.lastFailureAt?.toISOString() ?? null,
      lastPublishedAt: this.lastPublishedAt?.toISOString() ?? null,
    };
  }

  /** Connects the producer ahead of the first send (a failure here is retried by the first send). */
  async connect(): Promise<void> {
    await this.producer.producer();
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
    await this.producer.disconnect();
  }

  /**
   * One round: publishes batches, each claim reading what committed after the batch before it while
   * that batch is on its way, until a claim finds nothing more (the round ran dry) or ROUND_MS have
   * passed; returns how many rows it published and whether it ran dry. A round starts from the oldest unpublished row, so
   * a row whose transaction committed after later ones waits at most about a round.
   */
  async drainOnce(): Promise<{ published: number; ranDry: boolean }> {
    const client = this.listener;
    if (!client || !this.leader) return { published: 0, ranDry: true };
    let ranDry = true;
    const roundStarted = performance.now();
    let batch = await this.claim(client, '0');
    // A claim after position S misses a row below S whose transaction was still running, and that
    // row's aggregate may have a later event above S by the next claim: the claim then must not be
    // sent. So while every transaction running at the previous claim still runs, the next claim
    // continues after S; once one of them has ended, the round ends and the next one starts again
    // from the oldest unpublished row (the round's rows all marked first).
    let running = new Set(runningAt(batch));
    let total = 0;
    const marks = new PendingMarks((seqs) => this.mark(seqs), this.batchSize * 4);
    try {
      while (batch.length > 0) {
        const started = process.hrtime.bigint();
        const producer = await this.producer.producer().catch((error: unknown) => {
          throw new SendFailed(
            batch.map((r) => r.id),
            error,
          );
        });
        // One PRODUCER span per event, a child of the trace the event was written in.
        const spans = batch.map((row) => startPublishSpan(this.options.topic, row.id, row.traceparent, batch.length));
        const sending = producer
          .send({
            topic: this.options.topic,
            acks: -1,
            messages: batch.map((row, i) => ({
              key: row.aggregateid,
              value: row.payload,
              headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE, ce_id: row.id, ce_type: row.type, ...spans[i].headers },
            })),
          })
          .then(() => {
            for (const span of spans) span.end();
          })
          .catch(async (error: unknown) => {
            for (const span of spans) span.end(error);
            await this.producer.replace(producer, error);
            throw new SendFailed(
              batch.map((r) => r.id),
              error,
            );
          });
        // While the broker works: read what committed after this batch (a steady trickle of commits
        // is sent batch after batch, without waiting for a notification and a new round).
        const more = !this.stopped && performance.now() - roundStarted < ROUND_MS;
        if (!more) ranDry = false;
        const next = more ? this.claim(client, batch[batch.length - 1].seq) : Promise.resolve([]);
        next.catch(() => undefined);
        await sending;
        // Marked beside the next sends (see PendingMarks); the round ends only when all are marked.
        await marks.add(batch.map((r) => r.seq));
        total += batch.length;
        this.published += batch.length;
        this.lastPublishedAt = new Date();
        this.options.observer?.published(batch.length, Number(process.hrtime.bigint() - started) / 1e9);
        const claimed = await next;
        if (claimed.length > 0) {
          const now = new Set(runningAt(claimed));
          if ([...running].some((xid) => !now.has(xid))) {
            ranDry = false;
            break;
          }
          running = now;
        }
        batch = claimed;
      }
    } finally {
      await marks.flush().catch(() => undefined);
    }
    await marks.flush();
    return { published: total, ranDry };
  }

  private claim(client: Client, afterSeq: string): Promise<OutboxRow[]> {
    return client.query<OutboxRow>(CLAIM_SQL, [afterSeq, this.batchSize]).then((r) => r.rows);
  }

  private async mark(seqs: string[]): Promise<void> {
    // `attempts` counts sends: this one, plus the failed ones recorded before it.
    await this.options.dataSource.query(`UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE seq = ANY($1::bigint[])`, [
      seqs,
    ]);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.leader) await this.tryLead();
        if (!this.leader) {
          await this.sleep(this.pollMs, true);
          continue;
        }
        const { ranDry } = await this.drainOnce();
        this.failures = 0;
        if (ranDry) await this.sleep(this.pollMs, true);
      } catch (error) {
        this.failures += 1;
        this.options.observer?.failed();
        this.lastFailureAt = new Date();
        const cause = error instanceof SendFailed ? error.cause : error;
        this.lastError = cause instanceof Error ? cause.message : String(cause);
        const delay = Math.min(this.maxBackoffMs, 250 * 2 ** Math.min(this.failures - 1, 8));
        this.options.logger.warn(
          { err: cause, failures: this.failures, retryInMs: delay, producerGeneration: this.producer.generation },
          'outbox relay could not publish; events wait in the outbox',
        );
        if (error instanceof SendFailed) await this.recordFailure(error.ids, this.lastError);
        else if (!this.listener) this.leader = false;
        // A failure backoff: notifications do not cut it short.
        await this.sleep(delay, false);
      }
    }
  }

  private async tryLead(): Promise<void> {
    if (!this.listener) {
      const client = new Client({ connectionString: this.options.connectionString, application_name: 'outbox-relay' });
      client.on('notification', () => this.notify());
      client.on('error', (error) => {
        this.options.logger.warn({ err: error }, 'outbox relay lost its listening connection');
        if (this.listener === client) {
          this.leader = false;
          this.listener = undefined;
        }
      });
      try {
        await client.connect();
        await client.query('LISTEN outbox');
      } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
      }
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

  /** `wakeable`: an idle poll that a NOTIFY ends early; a failure backoff is not. */
  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (wakeable && this.pendingWake) {
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
      // stop() ends any sleep; a notification only a wakeable one (and is kept for after a backoff).
      this.wake = wakeable
        ? done
        : () => {
            if (this.stopped) done();
            else this.pendingWake = true;
          };
    });
  }

  private async recordFailure(ids: string[], message: string): Promise<void> {
    try {
      await this.options.dataSource.query(
        `UPDATE outbox SET attempts = attempts + 1, last_error = $1 WHERE id = ANY($2::uuid[]) AND published_at IS NULL`,
        [message.slice(0, 1000), ids],
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
