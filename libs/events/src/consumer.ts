import { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { EventCatalogue } from './catalogue';
import { CloudEvent, parseCloudEvent } from './cloudevent';

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
    const attempts = this.options.maxAttempts ?? 5;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await this.options.dataSource.transaction(async (manager) => {
          const inserted: unknown[] = await manager.query(
            `INSERT INTO inbox (consumer, event_id, event_type) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING RETURNING event_id`,
            [name, event.id, event.type],
          );
          if (inserted.length === 0) return; // seen before: no second effect
          await handler(event, manager);
          this.applied += 1;
        });
        return;
      } catch (error) {
        lastError = error;
        logger.warn({ err: error, eventId: event.id, type: event.type, attempt }, 'event handler failed');
        await new Promise((r) => setTimeout(r, (this.options.retryDelayMs ?? 200) * attempt));
      }
    }
    await this.deadLetter(topic, message, `handler failed ${attempts} times: ${String((lastError as Error)?.message ?? lastError)}`);
  }

  private async deadLetter(topic: string, message: Pick<KafkaMessage, 'key' | 'value' | 'headers'>, reason: string): Promise<void> {
    const headers: IHeaders = {
      ...(message.headers ?? {}),
      'civgrid-dlq-reason': reason.slice(0, 2000),
      'civgrid-dlq-consumer': this.options.name,
      'civgrid-dlq-source-topic': topic,
    };
    this.options.logger.error({ reason, topic }, 'event parked in the dead-letter topic');
    await this.options.producer.send({
      topic: this.options.deadLetterTopic,
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers }],
    });
  }
}
