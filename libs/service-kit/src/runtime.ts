import { Inject, Injectable, Optional, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { deadLetterTopic, ensureTopics, EventConsumer, eventsTopic, OutboxRelay, TopicSettings } from '@civgrid/events';
import { BaseConfig } from './config';
import { EventHandlers } from './event-handlers';
import { ServiceDefinition } from './definition';
import { CONFIG, KAFKA, LOGGER, SERVICE } from './tokens';
import { ServiceMetrics } from './metrics';

export interface RuntimeOptions {
  schemaOnly: boolean;
}
export const RUNTIME_OPTIONS = Symbol('civgrid:runtime-options');

/**
 * The moving parts behind a subgraph: the outbox relay and the event consumer. Kafka may be down
 * when the service starts; the service still serves and keeps events in its outbox meanwhile.
 */
@Injectable()
export class ServiceRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly relay: OutboxRelay;
  consumer: EventConsumer | undefined;
  private readonly producer: Producer;
  private producerConnected = false;
  private stopped = false;
  private kafkaReady: Promise<void> = Promise.resolve();
  private interruptRetry: () => void = () => undefined;

  constructor(
    @Inject(SERVICE) private readonly def: ServiceDefinition,
    @Inject(CONFIG) private readonly config: BaseConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(RUNTIME_OPTIONS) private readonly options: RuntimeOptions,
    private readonly dataSource: DataSource,
    private readonly handlers: EventHandlers,
    @Optional() private readonly metrics?: ServiceMetrics,
  ) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: { retries: 3 } });
    this.producer.on('producer.disconnect', () => {
      this.producerConnected = false;
    });
    this.relay = new OutboxRelay({
      dataSource,
      connectionString: config.DATABASE_URL,
      producer: this.producer,
      topic: this.topic,
      logger: logger.child({ component: 'outbox-relay' }),
      lockName: `civgrid:outbox-relay:${def.name}`,
      pollMs: config.OUTBOX_POLL_MS,
      beforeSend: () => this.connectProducer(),
      observer: metrics?.relay,
    });
  }

  get topic(): string {
    return eventsTopic(this.topicSettings, this.def.domain);
  }

  get topicSettings(): TopicSettings {
    return {
      prefix: this.config.KAFKA_TOPIC_PREFIX,
      partitions: this.config.KAFKA_TOPIC_PARTITIONS,
      retentionMs: this.config.KAFKA_TOPIC_RETENTION_MS,
    };
  }

  /** Resolves once topics exist and the consumer has joined its group. */
  whenKafkaReady(): Promise<void> {
    return this.kafkaReady;
  }

  onApplicationBootstrap(): void {
    if (this.options.schemaOnly) return;
    this.relay.start();
    this.kafkaReady = this.startKafka();
    this.kafkaReady.catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.options.schemaOnly) return;
    this.stopped = true;
    this.interruptRetry();
    await this.relay.stop();
    // startKafka makes no consumer once `stopped` is set, and one it made is already held here,
    // so this leaves the group even when shutdown comes while the consumer is still joining.
    await this.consumer?.stop().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  private async connectProducer(): Promise<void> {
    if (this.producerConnected) return;
    await this.producer.connect();
    this.producerConnected = true;
  }

  private async startKafka(): Promise<void> {
    const settings = this.topicSettings;
    const consumed = this.handlers.domains.map((d) => eventsTopic(settings, d));
    const dlq = deadLetterTopic(settings, this.def.name);
    for (let attempt = 1; !this.stopped; attempt++) {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
        await ensureTopics(admin, [...new Set([this.topic, dlq, ...consumed])], settings);
        await admin.disconnect();
        await this.connectProducer();
        if (consumed.length > 0 && !this.consumer && !this.stopped) {
          const consumer = new EventConsumer({
            kafka: this.kafka,
            dataSource: this.dataSource,
            logger: this.logger.child({ component: 'event-consumer' }),
            name: this.def.name,
            groupId: `${settings.prefix}civgrid.${this.def.name}`,
            topics: consumed,
            handlers: this.handlers.asMap(),
            catalogue: this.def.catalogue,
            producer: this.producer,
            deadLetterTopic: dlq,
            observer: this.metrics?.consumer,
          });
          this.consumer = consumer;
          await consumer.start();
        }
        return;
      } catch (error) {
        await admin.disconnect().catch(() => undefined);
        // A consumer that failed to join is dropped, so the next attempt makes a fresh one.
        await this.consumer?.stop().catch(() => undefined);
        this.consumer = undefined;
        const delay = Math.min(10_000, 500 * attempt);
        this.logger.warn(
          { err: error, attempt, retryInMs: delay },
          'Kafka is not reachable yet; the service serves and keeps events in its outbox',
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.interruptRetry = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }
}
