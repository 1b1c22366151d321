import { Controller, Get, Header, Inject, Injectable, NotFoundException, OnApplicationShutdown, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Counter, Gauge, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { within } from '@civgrid/errors';
import type { ConsumerObserver, RelayObserver } from '@civgrid/events';
import { CoreMetrics, DURATION_BUCKETS, stopTracing } from '@civgrid/telemetry';

/** What /health/status reports that a scrape also shows (the runtime's status, read on scrape). */
export interface StatusFigures {
  database: 'up' | 'down';
  kafka: { broker: 'up' | 'down' };
  relay: { leader: boolean; consecutiveFailures: number; producerGeneration: number };
  consumer: { lag: number | null } | null;
}

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * A subgraph's Prometheus metrics: the shared ones (GraphQL operations, HTTP responses, Node
 * runtime) and the service's moving parts — database pool, outbox backlog (read on scrape with
 * one query on the partial index of unpublished rows), relay, consumer, dead letters, jobs.
 * Every label value is bounded: topics and event types come from the catalogue, jobs from code.
 */
export class ServiceMetrics {
  readonly core: CoreMetrics;
  readonly relay: RelayObserver;
  readonly consumer: ConsumerObserver;
  private readonly jobRuns: Counter<'job' | 'outcome'>;
  private readonly jobDuration: Histogram<'job'>;
  private dataSource: DataSource | undefined;
  private statusOf: (() => Promise<StatusFigures>) | undefined;

  constructor(
    service: string,
    readonly enabled: boolean,
    private readonly logger: Logger,
  ) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the collect callbacks' `this` is the metric
    const self = this;
    this.core = new CoreMetrics(service);
    const registers = [this.core.registry];
    const published = new Counter({ name: 'civgrid_outbox_published_total', help: 'Events the relay published', registers });
    const publishErrors = new Counter({
      name: 'civgrid_outbox_publish_errors_total',
      help: 'Relay rounds that could not publish (the events wait in the outbox)',
      registers,
    });
    const publishDuration = new Histogram({
      name: 'civgrid_outbox_publish_duration_seconds',
      help: 'One relay batch from send to acknowledgement (acks=all)',
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.relay = {
      published: (count, seconds) => {
        published.inc(count);
        publishDuration.observe(seconds);
      },
      failed: () => publishErrors.inc(),
    };
    const consumed = new Counter({
      name: 'civgrid_events_consumed_total',
      help: 'Events the consumer was done with, by type and outcome (applied, duplicate, dead_lettered, failed)',
      labelNames: ['type', 'outcome'],
      registers,
    });
    const handleDuration = new Histogram({
      name: 'civgrid_event_handling_duration_seconds',
      help: 'One consumed event from receipt to commit, retries included, by type',
      labelNames: ['type'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    const deadLettered = new Counter({
      name: 'civgrid_events_dead_lettered_total',
      help: 'Events parked in the dead-letter topic, by the topic they came from',
      labelNames: ['source_topic'],
      registers,
    });
    const lag = new Gauge({
      name: 'civgrid_consumer_lag_messages',
      help: "Messages behind each partition's high watermark after the consumer's last fetched batch",
      labelNames: ['topic', 'partition'],
      registers,
    });
    this.consumer = {
      consumed: (type, outcome, seconds) => {
        consumed.inc({ type, outcome });
        handleDuration.observe({ type }, seconds);
      },
      deadLettered: (topic) => deadLettered.inc({ source_topic: topic }),
      lag: (topic, partition, behind) => lag.set({ topic, partition: String(partition) }, behind),
    };
    this.jobRuns = new Counter({
      name: 'civgrid_job_runs_total',
      help: 'Rounds of scheduled jobs by job and outcome (done, skipped: held elsewhere, failed)',
      labelNames: ['job', 'outcome'],
      registers,
    });
    this.jobDuration = new Histogram({
      name: 'civgrid_job_duration_seconds',
      help: 'Rounds of scheduled jobs that ran, by job',
      labelNames: ['job'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    const pool = (): PgPool | undefined => {
      const ds = this.dataSource;
      return ds?.isInitialized ? ((ds.driver as unknown as { master?: PgPool }).master ?? undefined) : undefined;
    };
    new Gauge({
      name: 'civgrid_db_pool_connections',
      help: 'Database pool connections by state (total, idle, waiting: callers queued for one)',
      labelNames: ['state'],
      registers,
      collect() {
        const p = pool();
        if (!p) return;
        this.set({ state: 'total' }, p.totalCount);
        this.set({ state: 'idle' }, p.idleCount);
        this.set({ state: 'waiting' }, p.waitingCount);
      },
    });
    const backlogRows = new Gauge({ name: 'civgrid_outbox_backlog_rows', help: 'Outbox rows not yet published', registers });
    const backlogAge = new Gauge({
      name: 'civgrid_outbox_oldest_unpublished_age_seconds',
      help: 'Age of the oldest outbox row not yet published (0 when none)',
      registers,
    });
    const scrapeErrors = new Counter({
      name: 'civgrid_metrics_collect_errors_total',
      help: 'Scrapes whose outbox or status read failed or timed out (the gauges keep their last values)',
      registers,
    });
    // One gauge collects both outbox figures with one query per scrape.
    new Gauge({
      name: 'civgrid_outbox_backlog_collected',
      help: '1 when the last scrape read the outbox backlog, 0 when it could not',
      registers,
      collect: async function (this: Gauge) {
        const ds = self.dataSource;
        if (!ds?.isInitialized) return;
        try {
          const rows = await within(
            2000,
            ds.query<{ rows: number; age: number }[]>(
              `SELECT count(*)::int AS rows, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS age
                 FROM outbox WHERE published_at IS NULL`,
            ),
          );
          backlogRows.set(rows[0]?.rows ?? 0);
          backlogAge.set(rows[0]?.age ?? 0);
          this.set(1);
        } catch (error) {
          scrapeErrors.inc();
          self.logger.warn({ err: error }, 'metrics: the outbox backlog could not be read');
          this.set(0);
        }
      },
    });
    // The broker, the relay and the consumer group as /health/status sees them. prom-client collects
    // the metrics of a scrape concurrently: each gauge awaits the same status read (one per scrape).
    const statusGauge = (name: string, help: string, value: (s: StatusFigures) => number | null | undefined): void => {
      new Gauge({
        name,
        help,
        registers,
        collect: async function (this: Gauge) {
          const s = await self.scrapeStatus();
          const v = s ? value(s) : name === 'civgrid_status_collected' && self.statusOf ? 0 : undefined;
          if (v === null) this.reset();
          else if (v !== undefined) this.set(v);
        },
      });
    };
    statusGauge('civgrid_database_up', 'The database answers (1) or not (0)', (s) => (s.database === 'up' ? 1 : 0));
    statusGauge('civgrid_kafka_up', 'The broker answers (1) or not (0)', (s) => (s.kafka.broker === 'up' ? 1 : 0));
    statusGauge('civgrid_outbox_relay_leader', 'This instance runs the active outbox relay (1) or not (0)', (s) =>
      s.relay.leader ? 1 : 0,
    );
    statusGauge(
      'civgrid_outbox_relay_consecutive_failures',
      'Failed relay sends since the last success',
      (s) => s.relay.consecutiveFailures,
    );
    statusGauge(
      'civgrid_outbox_relay_producer_generation',
      'Producers the relay made (more than 1: it replaced one after a failed send)',
      (s) => s.relay.producerGeneration,
    );
    statusGauge(
      'civgrid_consumer_lag',
      "Events on the consumed topics not yet committed by this service's consumer group (all partitions; absent when unknown)",
      (s) => s.consumer?.lag ?? null,
    );
    statusGauge(
      'civgrid_status_collected',
      '1 when the last scrape read the service status (database, broker, relay, consumer group), 0 when it could not',
      () => 1,
    );
    this.statusFailed = () => {
      scrapeErrors.inc();
    };
  }

  private statusFailed: () => void = () => undefined;
  private statusRead: { at: number; figures: Promise<StatusFigures | undefined> } | undefined;

  /** One status read shared by the gauges of a scrape (reused for a second). */
  private scrapeStatus(): Promise<StatusFigures | undefined> {
    const read = this.statusOf;
    if (!read) return Promise.resolve(undefined);
    const now = Date.now();
    if (!this.statusRead || now - this.statusRead.at > 1000) {
      this.statusRead = {
        at: now,
        figures: read().catch((error: unknown) => {
          this.statusFailed();
          this.logger.warn({ err: error }, 'metrics: the service status could not be read');
          return undefined;
        }),
      };
    }
    return this.statusRead.figures;
  }

  /** Where the scrape reads the broker, relay and consumer-group figures (the runtime's status). */
  attachStatus(read: () => Promise<StatusFigures>): void {
    this.statusOf = read;
  }

  /** The data source whose pool and outbox the scrape reads (set once it is initialised). */
  attach(dataSource: DataSource): void {
    this.dataSource = dataSource;
  }

  /** Runs one job round, counting it. */
  async timeJob<T extends { ran: boolean }>(job: string, round: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    try {
      const result = await round();
      this.jobRuns.inc({ job, outcome: result.ran ? 'done' : 'skipped' });
      if (result.ran) this.jobDuration.observe({ job }, Number(process.hrtime.bigint() - started) / 1e9);
      return result;
    } catch (error) {
      this.jobRuns.inc({ job, outcome: 'failed' });
      throw error;
    }
  }
}

/** `GET /metrics`: the Prometheus text format (404 when METRICS_ENABLED=false). */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(ServiceMetrics) private readonly metrics: ServiceMetrics) {}

  @Get()
  @Header('cache-control', 'no-store')
  async scrape(@Res() res: Response): Promise<void> {
    if (!this.metrics.enabled) throw new NotFoundException();
    const { contentType, body } = await this.metrics.core.scrape();
    res.setHeader('content-type', contentType);
    res.send(body);
  }
}

/** Flushes the traces of a service on its way out. */
@Injectable()
export class TracingShutdown implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await stopTracing();
  }
}
