import { Inject, Injectable, Optional, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { within } from '@civgrid/errors';
import {
  deadLetterTopic,
  ensureTopics,
  EventConsumer,
  eventsTopic,
  OutboxRelay,
  redriveTopic,
  RelayStatus,
  SelfHealingProducer,
  TopicSettings,
} from '@civgrid/events';
import { BaseConfig } from './config';
import { EventHandlers } from './event-handlers';
import { ServiceDefinition } from './definition';
import { createKafka } from './kafka';
import { CONFIG, KAFKA, LOGGER, SERVICE } from './tokens';
import { ServiceMetrics } from './metrics';

/** What /health/status answers: the state of the moving parts, none of which makes a service unready. */
export interface ServiceStatus {
  service: string;
  /** `degraded` when something below needs a look; the service still serves. */
  status: 'ok' | 'degraded';
  degraded: string[];
  database: 'up' | 'down';
  kafka: { broker: 'up' | 'down'; error?: string };
  relay: RelayStatus;
  outbox: { unpublished: number | null; oldestUnpublishedAgeSeconds: number | null };
  consumer: { group: string; topics: string[]; joined: boolean; applied: number; parked: number; lag: number | null } | null;
}

/** An unpublished row older than this makes the status `degraded`. */
const BACKLOG_AGE_WARNING_S = 60;
/** About two minutes of tries, a second apart, before a consumer gives up on the broker (see consumerKafka). */
const CONSUMER_CONNECT_RETRIES = 120;

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
  /** For the dead-letter topic; the relay has a producer of its own. */
  private readonly producer: SelfHealingProducer;
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
    // kafkajs retries briefly inside a send; past that the relay replaces the producer and backs off.
    const createProducer = () =>
      kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
      });
    this.producer = new SelfHealingProducer(createProducer, logger.child({ component: 'dlq-producer' }));
    this.relay = new OutboxRelay({
      dataSource,
      connectionString: config.DATABASE_URL,
      createProducer,
      topic: this.topic,
      logger: logger.child({ component: 'outbox-relay' }),
      lockName: `civgrid:outbox-relay:${def.name}`,
      pollMs: config.OUTBOX_POLL_MS,
      batchSize: config.OUTBOX_BATCH_SIZE,
      maxBackoffMs: config.OUTBOX_MAX_BACKOFF_MS,
      observer: metrics?.relay,
    });
    // One /metrics per service: the prom-client registry also shows what /health/status reports.
    metrics?.attachStatus(() => this.status());
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

  get consumerGroup(): string {
    return `${this.topicSettings.prefix}civgrid.${this.def.name}`;
  }

  get consumedTopics(): string[] {
    return this.handlers.domains.map((d) => eventsTopic(this.topicSettings, d));
  }

  /** The broker, the outbox backlog and consumer lag, each asked with a short timeout. */
  async status(): Promise<ServiceStatus> {
    const degraded: string[] = [];
    const [database, backlog] = await Promise.all([
      within(2000, this.dataSource.query('SELECT 1')).then(
        () => 'up' as const,
        () => 'down' as const,
      ),
      within(
        2000,
        this.dataSource.query<{ n: number; age: number | null }[]>(
          `SELECT count(*)::int AS n, extract(epoch FROM now() - min(created_at))::float8 AS age FROM outbox WHERE published_at IS NULL`,
        ),
      ).catch(() => undefined),
    ]);
    if (database === 'down') degraded.push('database does not answer');
    const topics = this.consumedTopics;
    let broker: ServiceStatus['kafka'] = { broker: 'up' };
    let lag: number | null = null;
    const admin = this.kafka.admin({ retry: { retries: 0 } });
    try {
      await within(
        2500,
        admin.connect().then(() => admin.describeCluster()),
      );
      if (this.consumer && topics.length > 0) {
        lag = await within(2500, this.consumerLag(admin, topics)).catch(() => null);
      }
    } catch (error) {
      broker = { broker: 'down', error: (error as Error).message };
      degraded.push('broker does not answer: events wait in the outbox');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    const relay = this.relay.status();
    if (relay.consecutiveFailures > 0) degraded.push(`relay failing (${relay.consecutiveFailures} in a row): ${relay.lastError}`);
    const age = backlog?.[0]?.age ?? null;
    if (age !== null && age > BACKLOG_AGE_WARNING_S) degraded.push(`oldest unpublished event is ${Math.round(age)} s old`);
    const consumer = this.consumer;
    return {
      service: this.def.name,
      status: degraded.length > 0 ? 'degraded' : 'ok',
      degraded,
      database,
      kafka: broker,
      relay,
      outbox: { unpublished: backlog?.[0]?.n ?? null, oldestUnpublishedAgeSeconds: age === null ? null : Math.round(age * 10) / 10 },
      consumer:
        topics.length > 0
          ? {
              group: this.consumerGroup,
              topics,
              joined: consumer?.joined ?? false,
              applied: consumer?.applied ?? 0,
              parked: consumer?.parked ?? 0,
              lag,
            }
          : null,
    };
  }

  private async consumerLag(admin: ReturnType<Kafka['admin']>, topics: string[]): Promise<number> {
    const committed = await admin.fetchOffsets({ groupId: this.consumerGroup, topics });
    let lag = 0;
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const end of ends) {
        const at = Number(mine.find((p) => p.partition === end.partition)?.offset ?? -1);
        lag += Number(end.high) - (at >= 0 ? at : Number(end.low));
      }
    }
    return lag;
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

  /**
   * The consumer's own client, whose connection retries outlast a broker restart (one try a
   * `KAFKA_CONSUMER_MAX_RETRY_MS` apart for CONSUMER_CONNECT_RETRIES tries, about two minutes): a
   * consumer that gave up would restart as a new group member, and the group would then wait a whole
   * session timeout for the old one before it handed out partitions again. One that keeps trying
   * keeps its member id and rejoins as soon as the broker is back.
   */
  private consumerKafka(): Kafka {
    return createKafka(this.config.KAFKA_CLIENT_ID ?? this.def.name, this.config.KAFKA_BROKERS, this.logger, {
      retries: CONSUMER_CONNECT_RETRIES,
      initialRetryTime: 200,
      maxRetryTime: this.config.KAFKA_CONSUMER_MAX_RETRY_MS,
    });
  }

  private async startKafka(): Promise<void> {
    const settings = this.topicSettings;
    const consumed = this.consumedTopics;
    const dlq = deadLetterTopic(settings, this.def.name);
    const redrive = redriveTopic(settings, this.def.name);
    for (let attempt = 1; !this.stopped; attempt++) {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
        await ensureTopics(admin, [...new Set([this.topic, dlq, ...(consumed.length > 0 ? [redrive] : []), ...consumed])], settings);
        await admin.disconnect();
        await this.producer.producer();
        if (consumed.length > 0 && !this.consumer && !this.stopped) {
          const consumer = new EventConsumer({
            kafka: this.consumerKafka(),
            dataSource: this.dataSource,
            logger: this.logger.child({ component: 'event-consumer' }),
            name: this.def.name,
            groupId: this.consumerGroup,
            session: {
              sessionTimeoutMs: this.config.KAFKA_CONSUMER_SESSION_TIMEOUT_MS,
              heartbeatIntervalMs: this.config.KAFKA_CONSUMER_HEARTBEAT_MS,
              rebalanceTimeoutMs: this.config.KAFKA_CONSUMER_REBALANCE_TIMEOUT_MS,
              maxRetryTimeMs: this.config.KAFKA_CONSUMER_MAX_RETRY_MS,
            },
            topics: consumed,
            handlers: this.handlers.asMap(),
            catalogue: this.def.catalogue,
            producer: this.producer,
            deadLetterTopic: dlq,
            redriveTopic: redrive,
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
