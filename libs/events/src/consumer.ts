import { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { EventCatalogue } from './catalogue';
import { CloudEvent, parseCloudEvent } from './cloudevent';
import { ConsumerObserver, inConsumeSpan } from './observe';

/** `event.data` has been validated against the catalogue before a handler sees it. */
export type EventHandler = (event: CloudEvent, manager: EntityManager) => Promise<void>;

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
  producer: Producer;
  deadLetterTopic: string;
  maxAttempts?: number;
  retryDelayMs?: number;
  /** Told of each event consumed, each one parked and each partition's lag (metrics). */
  observer?: ConsumerObserver;
}

// Failures of the database rather than of the event: connection lost or refused, the server shutting
// down or out of connections, a serialisation failure or deadlock. Those are retried, never parked.
const TRANSIENT_SQLSTATE = /^(08|57P0|53300|40001|40P01)/;
const TRANSIENT_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

export function isTransient(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; driverError?: unknown; message?: unknown };
  if (typeof e.code === 'string' && (TRANSIENT_SQLSTATE.test(e.code) || TRANSIENT_ERRNO.has(e.code))) return true;
  if (
    typeof e.message === 'string' &&
    /Connection terminated|connection timeout|Client has encountered a connection error/i.test(e.message)
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

  constructor(private readonly options: ConsumerOptions) {}

  async start(): Promise<void> {
    const { kafka, groupId, topics } = this.options;
    // An idle fetch waits at most a second and heartbeats go every second, so a member notices a
    // rebalance (an instance starting or stopping) within about a second, not kafkajs's 3 to 5.
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      retry: { retries: 10 },
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 1000,
    });
    this.consumer = consumer;
    const observer = this.options.observer;
    if (observer) {
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
        observer.lag(payload.topic, payload.partition, Math.max(0, Number(payload.offsetLag))),
      );
    }
    this.starting = (async () => {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({ eachMessage: ({ topic, message }) => this.handle(topic, message) });
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
    await this.starting?.catch(() => undefined);
    await consumer?.disconnect();
  }

  /** Exposed for tests of redelivery: applies one raw message as if Kafka delivered it. */
  async handle(topic: string, message: Pick<KafkaMessage, 'key' | 'value' | 'headers'>): Promise<void> {
    const { handlers, logger, name, catalogue } = this.options;
    let event: CloudEvent;
    try {
      event = parseCloudEvent(message.value);
    } catch (error) {
      return this.deadLetter(topic, message, `malformed: ${(error as Error).message}`);
    }
    const handler = handlers[event.type];
    if (!handler) return; // not an event this consumer cares about
    try {
      catalogue.validate(event.type, event.data);
    } catch (error) {
      return this.deadLetter(topic, message, (error as Error).message);
    }
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    const observer = this.options.observer;
    return inConsumeSpan(topic, event, message.headers, this.options.groupId, async () => {
      const attempts = this.options.maxAttempts ?? 5;
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
      await this.deadLetter(topic, message, `handler failed ${attempts} times: ${String((lastError as Error)?.message ?? lastError)}`);
    });
  }

  private async deadLetter(topic: string, message: Pick<KafkaMessage, 'key' | 'value' | 'headers'>, reason: string): Promise<void> {
    const headers: IHeaders = {
      ...(message.headers ?? {}),
      'civgrid-dlq-reason': reason.slice(0, 2000),
      'civgrid-dlq-consumer': this.options.name,
      'civgrid-dlq-source-topic': topic,
    };
    this.options.logger.error({ reason, topic }, 'event parked in the dead-letter topic');
    this.options.observer?.deadLettered(topic);
    await this.options.producer.send({
      topic: this.options.deadLetterTopic,
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers }],
    });
  }
}
