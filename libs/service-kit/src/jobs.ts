import { Inject, Injectable, Optional, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { BaseConfig } from './config';
import { Clock } from './clock';
import { ServiceDefinition } from './definition';
import { RUNTIME_OPTIONS, RuntimeOptions } from './runtime';
import { ServiceMetrics } from './metrics';
import { CONFIG, LOGGER, SERVICE } from './tokens';

export interface JobDefinition {
  /** Unique in the service, e.g. `wellbeing-check-misses`. */
  name: string;
  everyMs: number;
  /**
   * One round, in one transaction. It must derive what to do from the database (what is due and
   * not yet done), so a restart or a second instance never does it twice; the kit only makes sure
   * two rounds never overlap.
   */
  run(now: Date, manager: EntityManager): Promise<number | void>;
}

/**
 * Scheduled work that survives restarts and fires once however many instances run: each round
 * takes a transaction-scoped advisory lock named after the job, so a round already under way
 * elsewhere makes this one a no-op.
 */
@Injectable()
export class Jobs implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(SERVICE) private readonly def: ServiceDefinition,
    @Inject(CONFIG) private readonly config: BaseConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(RUNTIME_OPTIONS) private readonly options: RuntimeOptions,
    @Optional() private readonly metrics?: ServiceMetrics,
  ) {}

  /** Called by feature modules in onModuleInit. */
  register(job: JobDefinition): void {
    if (this.jobs.has(job.name)) throw new Error(`job ${job.name} is registered twice`);
    this.jobs.set(job.name, job);
  }

  onApplicationBootstrap(): void {
    if (this.options.schemaOnly || !this.config.JOBS_ENABLED) return;
    for (const job of this.jobs.values()) {
      const timer = setInterval(
        () => void this.runNow(job.name).catch((error: unknown) => this.logger.error({ err: error, job: job.name }, 'job round failed')),
        job.everyMs,
      );
      timer.unref();
      this.timers.push(timer);
    }
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers) clearInterval(timer);
  }

  /** Runs one round now; `ran` is false when another instance (or round) holds the job. */
  async runNow(name: string): Promise<{ ran: boolean; count: number }> {
    return this.metrics ? this.metrics.timeJob(name, () => this.runRound(name)) : this.runRound(name);
  }

  private async runRound(name: string): Promise<{ ran: boolean; count: number }> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`no job ${name}; known: ${[...this.jobs.keys()].join(', ')}`);
    if (this.running.has(name)) return { ran: false, count: 0 };
    this.running.add(name);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const [{ locked }] = await manager.query<{ locked: boolean }[]>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [
          `civgrid:job:${this.def.name}:${name}`,
        ]);
        if (!locked) return { ran: false, count: 0 };
        const count = (await job.run(this.clock.now(), manager)) ?? 0;
        return { ran: true, count };
      });
    } finally {
      this.running.delete(name);
    }
  }
}
