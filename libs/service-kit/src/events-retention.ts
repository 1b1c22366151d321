import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { pruneEvents } from '@civgrid/events';
import { BaseConfig } from './config';
import { Jobs } from './jobs';
import { CONFIG } from './tokens';

export const EVENTS_RETENTION_JOB = 'events-retention';

/**
 * Prunes published outbox rows and consumed inbox ids after their retention. A job of the kit's
 * scheduler: each round holds the job's advisory lock, so it fires once however many instances run.
 */
@Injectable()
export class EventsRetention implements OnModuleInit {
  constructor(
    private readonly jobs: Jobs,
    @Inject(CONFIG) private readonly config: BaseConfig,
  ) {}

  onModuleInit(): void {
    const hours = (h: number) => h * 3_600_000;
    this.jobs.register({
      name: EVENTS_RETENTION_JOB,
      everyMs: this.config.EVENTS_PRUNE_EVERY_MS,
      run: async (now, manager) => {
        const pruned = await pruneEvents(manager, {
          outbox: new Date(now.getTime() - hours(this.config.OUTBOX_RETENTION_HOURS)),
          inbox: new Date(now.getTime() - hours(this.config.INBOX_RETENTION_HOURS)),
        });
        return pruned.outbox + pruned.inbox;
      },
    });
  }
}
