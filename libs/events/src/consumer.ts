import { Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { within } from '@civgrid/errors';
import { EventCatalogue } from './catalogue';
import { CloudEvent, parseCloudEvent } from './cloudevent';
import { EventSender } from './producer';
import { ConsumerObserver, inConsumeSpan } from './observe';

/** `event.data` has been validated against the catalogue before a handler sees it (`T`: its payload type). */
export type EventHandler<T = unknown> = (event: CloudEvent<T>, manager: EntityManager) => Promise<void>;

export interface ConsumerOptions {
  kafka: Kafka;
  dataSource: DataSource;
  logger: Logger;
  /** Names the consumer group and the inbox rows: e.g. `population-registry.grid-replica`. */
  name: string;
  groupId: string;
  topics: string[];
  handlers: Record<string, EventHandler>;
  catalogue: EventCatalogue;
  /** Shared producer used for the dead-letter topic. */
  producer: EventSender;
  deadLetterTopic: string;
  /**
   * Where `events dlq redrive` puts parked events back for this consumer alone
   * (`redriveTopic(...)`); consumed like the others, through the inbox.
   */
  redriveTopic?: string;
  maxAttempts?: number;
  retryDelayMs?: number;
  session?: ConsumerSession;
  /** Told of each event consumed, each one parked and each partition's lag (metrics). */
  observer?: ConsumerObserver;
  /** How many partitions are applied at once (default 3, the topics' partition count). */
  partitionsConcurrently?: number;
}

/** Group membership and reconnects, stated rather than kafkajs's defaults (30 s session, 30 s retry cap). */
export interface ConsumerSession {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  /** The longest wait between two attempts to reach a broker that is away. */
  maxRetryTimeMs: number;
}

/** The longest stop() waits to leave the group. */
const STOP_WAIT_MS = 5000;

export const DEFAULT_CONSUMER_SESSION: ConsumerSession = {
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1000,
  rebalanceTimeoutMs: 10_000,
  maxRetryTimeMs: 1000,
};

/** Where a parked record came from, and when it failed: the headers of a dead-letter record. */
export const DLQ_HEADERS = {
  reason: 'civgrid-dlq-reason',
  consumer: 'civgrid-dlq-consumer',
  group: 'civgrid-dlq-consumer-group',
  topic: 'civgrid-dlq-source-topic',
  partition: 'civgrid-dlq-source-partition',
  offset: 'civgrid-dlq-source-offset',
  firstFailureAt: 'civgrid-dlq-first-failure-at',
  lastFailureAt: 'civgrid-dlq-last-failure-at',
} as const;

export interface SourcePosition {
  partition: number;
  offset: string;
}

// Failures of the database rather than of the event: connection lost or refused, the server shutting
// down or out of connections, a serialisation failure or deadlock. Those are retried, never parked.
const TRANSIENT_SQLSTATE = /^(08|57P0|53300|40001|40P01)/;
const TRANSIENT_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
// TypeORM releases a transaction's query runner as soon as its connection reports an error (the server
// went away mid-transaction); the transaction's next statement then throws one of these before it
// reaches the server, so nothing of that transaction was committed.
const RELEASED_MID_TRANSACTION = new Set(['QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError']);

export function isTransient(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; driverError?: unknown; message?: unknown; name?: unknown };
  if (typeof e.name === 'string' && RELEASED_MID_TRANSACTION.has(e.name)) return true;
  if (typeof e.code === 'string' && (TRANSIENT_SQLSTATE.test(e.code) || TRANSIENT_ERRNO.has(e.code))) return true;
  if (
    typeof e.message === 'string' &&
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection|not currently accepting connections/i.test(
      e.message,
    )
  )
    return true;
  return e.driverError !== undefined && e.driverError !== error && isTransient(e.driverError);
}

/**
 * Applies each event once: its id is recorded in `inbox` in the same transaction as its effect,
 * so a redelivered event changes nothing. A failing event is retried a bounded number of times,
 * then parked in the dead-letter topic with the reason, and the partition moves on.
 */
export class EventConsumer {
  private consumer: Consumer | undefined;
  private starting: Promise<void> | undefined;
  applied = 0;
  parked = 0;
  /** In its group with partitions assigned (false while the broker is away or a rebalance runs). */
  joined = false;

  constructor(private readonly options: ConsumerOptions) {}

  async start(): Promise<void> {
    const { kafka, groupId, topics, logger } = this.options;
    const session = this.options.session ?? DEFAULT_CONSUMER_SESSION;
    // An idle fetch waits at most a second and heartbeats go every second, so a member notices a
    // rebalance (an instance starting or stopping) within about a second, not kafkajs's 3 to 5.
    // While the broker is away kafkajs retries at most `maxRetryTimeMs` apart, and after it gives up
    // the consumer restarts itself (restartOnFailure), whatever the error: it rejoins within seconds
    // of the broker being back. The session timeout bounds how long a vanished member holds partitions.
    const consumer: Consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: session.sessionTimeoutMs,
      rebalanceTimeout: session.rebalanceTimeoutMs,
      heartbeatInterval: session.heartbeatIntervalMs,
      maxWaitTimeInMs: 1000,
      retry: {
        retries: 20,
        initialRetryTime: 200,
        maxRetryTime: session.maxRetryTimeMs,
        // Never for a consumer being stopped: it would rejoin as a member nobody stops.
        restartOnFailure: (error) => {
          const restart = this.consumer === consumer;
          if (restart) logger.warn({ err: error }, 'event consumer stopped on an error; it restarts and rejoins its group');
          return Promise.resolve(restart);
        },
      },
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
    });
    for (const e of [consumer.events.CRASH, consumer.events.DISCONNECT, consumer.events.STOP, consumer.events.REBALANCING]) {
      consumer.on(e, () => {
        this.joined = false;
      });
    }
    this.consumer = consumer;
    const subscribed = this.options.redriveTopic ? [...topics, this.options.redriveTopic] : topics;
    const observer = this.options.observer;
    if (observer) {
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
        observer.lag(payload.topic, payload.partition, Math.max(0, Number(payload.offsetLag))),
      );
    }
    this.starting = (async () => {
      await consumer.connect();
      await consumer.subscribe({ topics: subscribed, fromBeginning: true });
      await consumer.run({
        // Partitions are applied side by side, each in its offset order (one aggregate's events
        // share a key, hence a partition, and never overtake each other).
        partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 3,
        eachMessage: ({ topic, partition, message }) => this.handle(topic, message, { partition, offset: message.offset }),
      });
    })();
    await this.starting;
  }

  /**
   * Leaves the group, also when called while start() is still joining: a member that vanishes
   * without leaving keeps its partitions from the other instances for a whole session timeout.
   */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    // With the broker away, joining and leaving wait on connection retries that outlast any
    // shutdown grace period: after STOP_WAIT_MS the consumer is let go (its group drops it after a
    // session timeout, and its inbox keeps a redelivered event from applying twice).
    const leaving = (async () => {
      await this.starting?.catch(() => undefined);
      await consumer?.disconnect();
    })();
    await within(STOP_WAIT_MS, leaving).catch((error: unknown) => {
      leaving.catch(() => undefined);
      this.options.logger.warn({ err: error }, 'event consumer did not leave its group cleanly (is the broker away?)');
    });
  }

  /** Exposed for tests of redelivery: applies one raw message as if Kafka delivered it. */
  async handle(topic: string, message: Pick<KafkaMessage, 'key' | 'value' | 'headers'>, at?: SourcePosition): Promise<void> {
    const { handlers, logger, name, catalogue } = this.options;
    let event: CloudEvent;
    const park = (reason: string, firstFailureAt = new Date()) => this.deadLetter(topic, message, at, reason, firstFailureAt);
    try {
      event = parseCloudEvent(message.value);
    } catch (error) {
      return park(`malformed: ${(error as Error).message}`);
    }
    const handler = handlers[event.type];
    if (!handler) return; // not an event this consumer cares about
    try {
      catalogue.validate(event.type, event.data);
    } catch (error) {
      return park((error as Error).message);
    }
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    const observer = this.options.observer;
    return inConsumeSpan(topic, event, message.headers, this.options.groupId, async () => {
      const attempts = this.options.maxAttempts ?? 5;
      let firstFailureAt: Date | undefined;
      let lastError: unknown;
      for (let attempt = 1; attempt <= attempts || (isTransient(lastError) && this.consumer); attempt++) {
        try {
          const applied = await this.options.dataSource.transaction(async (manager) => {
            const inserted: unknown[] = await manager.query(
              `INSERT INTO inbox (consumer, event_id, event_type) VALUES ($1, $2, $3)
               ON CONFLICT DO NOTHING RETURNING event_id`,
              [name, event.id, event.type],
            );
            if (inserted.length === 0) return false; // seen before: no second effect
            await handler(event, manager);
            this.applied += 1;
            return true;
          });
          observer?.consumed(event.type, applied ? 'applied' : 'duplicate', seconds());
          return;
        } catch (error) {
          lastError = error;
          firstFailureAt ??= new Date();
          logger.warn({ err: error, eventId: event.id, type: event.type, attempt }, 'event handler failed');
          await new Promise((r) => setTimeout(r, Math.min(5_000, (this.options.retryDelayMs ?? 200) * attempt)));
        }
      }
      // The database went away (or the consumer is stopping mid-outage): the event is not at fault.
      // Throwing leaves its offset uncommitted, so it comes again rather than being parked for good.
      if (isTransient(lastError)) {
        observer?.consumed(event.type, 'failed', seconds());
        throw lastError;
      }
      observer?.consumed(event.type, 'dead_lettered', seconds());
      await park(`handler failed ${attempts} times: ${String((lastError as Error)?.message ?? lastError)}`, firstFailureAt);
    });
  }

  /**
   * Parks a record as it came (key, value, headers) with where it came from and when it failed. A
   * redriven record that fails again keeps its first source (the original topic, partition, offset).
   */
  private async deadLetter(
    topic: string,
    message: Pick<KafkaMessage, 'key' | 'value' | 'headers'>,
    at: SourcePosition | undefined,
    reason: string,
    firstFailureAt: Date,
  ): Promise<void> {
    const original = message.headers ?? {};
    const redriven = original[DLQ_HEADERS.topic] !== undefined;
    const headers: IHeaders = {
      ...original,
      [DLQ_HEADERS.reason]: reason.slice(0, 2000),
      [DLQ_HEADERS.consumer]: this.options.name,
      [DLQ_HEADERS.group]: this.options.groupId,
      [DLQ_HEADERS.lastFailureAt]: new Date().toISOString(),
    };
    if (!redriven) {
      headers[DLQ_HEADERS.topic] = topic;
      headers[DLQ_HEADERS.partition] = at ? String(at.partition) : '';
      headers[DLQ_HEADERS.offset] = at?.offset ?? '';
      headers[DLQ_HEADERS.firstFailureAt] = firstFailureAt.toISOString();
    }
    this.options.logger.error({ reason, topic, partition: at?.partition, offset: at?.offset }, 'event parked in the dead-letter topic');
    this.options.observer?.deadLettered(topic);
    await this.options.producer.send({
      topic: this.options.deadLetterTopic,
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers }],
    });
    this.parked += 1;
  }
}
