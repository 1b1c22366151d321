import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { IncidentEvents, IncidentOverdueData, OVERDUE_KINDS, OverdueKind, EventPayloads } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { CONFIG, Jobs, returning } from '@civgrid/service-kit';
import { IncidentReportingConfig } from '../config/config';
import { nextLevel, Taxonomy, TAXONOMY } from '../taxonomy/taxonomy';
import { addToTimeline, SYSTEM_ACTORS } from './incident-timeline';
import { AWAITING_ACCEPT_SQL, COLUMNS, IncidentRow, OPEN_SQL } from './incident.rows';
import { IncidentService } from './incident.service';

export const OVERDUE_JOB = 'incident-overdue';

/** One round of marking for another part of an incident's work with deadlines (a whistle's departments). */
export type OverdueRound = (now: Date, manager: EntityManager) => Promise<number>;

// Each kind of deadline: its column, its mark, and the statuses in which it is still owed.
const DEADLINES: Record<OverdueKind, { due: string; mark: string; statuses: string }> = {
  ACCEPT: { due: 'accept_due_at', mark: 'accept_overdue_at', statuses: AWAITING_ACCEPT_SQL },
  RESOLVE: { due: 'resolve_due_at', mark: 'resolve_overdue_at', statuses: OPEN_SQL },
};

/**
 * The service-level job `incident-overdue`: every round marks each missed deadline once (the mark
 * is in the row, so a restart or another instance finds nothing left to do), writes it to the
 * timeline, announces it, and escalates where the category says so; then the rounds other features
 * added (whistles) run in the same transaction.
 */
@Injectable()
export class IncidentOverdueJob implements OnModuleInit {
  private readonly others: OverdueRound[] = [];

  constructor(
    private readonly jobs: Jobs,
    private readonly outbox: Outbox<EventPayloads>,
    private readonly incidents: IncidentService,
    @Inject(TAXONOMY) private readonly taxonomy: Taxonomy,
    @Inject(CONFIG) private readonly config: IncidentReportingConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: OVERDUE_JOB,
      everyMs: this.config.OVERDUE_CHECK_MS,
      run: async (now, manager) => {
        let count = await this.markOverdue(now, manager);
        for (const round of this.others) count += await round(now, manager);
        return count;
      },
    });
  }

  /** Adds a round to the job (called in a module's onModuleInit, before the first round runs). */
  alsoRun(round: OverdueRound): void {
    this.others.push(round);
  }

  /** The incidents' own deadlines: the number of deadlines marked missed. */
  async markOverdue(now: Date, manager: EntityManager): Promise<number> {
    let count = 0;
    for (const kind of OVERDUE_KINDS) {
      const { due, mark, statuses } = DEADLINES[kind];
      const rows = await returning<IncidentRow & { dueAt: Date }>(
        manager,
        `UPDATE incident SET ${mark} = $1 WHERE id IN (
           SELECT id FROM incident WHERE ${mark} IS NULL AND ${due} <= $1 AND status IN ${statuses}
           ORDER BY ${due} LIMIT 500 FOR UPDATE SKIP LOCKED)
         RETURNING ${COLUMNS}, ${due} AS "dueAt"`,
        [now],
      );
      for (const row of rows) {
        count++;
        await addToTimeline(manager, {
          incidentId: row.id,
          action: 'OVERDUE',
          from: row.status,
          to: row.status,
          actorId: SYSTEM_ACTORS.sla,
          at: now,
          note: `${kind.toLowerCase()} deadline ${row.dueAt.toISOString()}`,
        });
        const data: IncidentOverdueData = {
          incidentId: row.id,
          number: row.number,
          gridId: row.gridId,
          gridPath: row.gridPath,
          kind,
          dueAt: row.dueAt.toISOString(),
          detectedAt: now.toISOString(),
        };
        await this.outbox.add(manager, { type: IncidentEvents.overdue, aggregateType: 'Incident', aggregateId: row.id, data, time: now });
        const to = nextLevel(row.escalationLevel);
        if (to && this.taxonomy.get(row.category)!.serviceLevel.autoEscalate) {
          await this.incidents.raiseLevel(manager, row, to, SYSTEM_ACTORS.sla, null, {
            asDispute: false,
            disputeKind: null,
            residentIds: [],
          });
        }
      }
    }
    return count;
  }
}
