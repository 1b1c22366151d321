import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DisputeClosedData, GridEvents, ReactionEvents, WellbeingCheckMissedData } from '@civgrid/contracts';
import { EventHandlers, GridReplicaService } from '@civgrid/service-kit';
import { GridLeaders } from './grid-leaders';
import { SYSTEM_ACTORS } from './incident-timeline';
import { COLUMNS, IncidentRow } from './incident.rows';
import { IncidentService } from './incident.service';
import { isOpen } from './incident.workflow';

/**
 * What incident reporting does when another service's event arrives: every handler of the feature
 * is registered here. The kit records each event id in the inbox in the same transaction as the
 * handler's writes, so a redelivery has no second effect.
 */
@Injectable()
export class IncidentReactions implements OnModuleInit {
  constructor(
    private readonly handlers: EventHandlers,
    private readonly incidents: IncidentService,
    private readonly leaders: GridLeaders,
    private readonly grids: GridReplicaService,
  ) {}

  onModuleInit(): void {
    this.handlers.on(ReactionEvents.wellbeingCheckMissed, (event, manager) => this.openCareAlert(event.data, manager));
    this.handlers.on(ReactionEvents.disputeClosed, (event, manager) => this.resolveFromDispute(event.data, manager));
    // Who leads which grid: closing is verified by the reporter or the grid leader.
    this.handlers.on(GridEvents.memberRegistered, (event, manager) => this.leaders.applyMember(event, manager));
    this.handlers.on(GridEvents.memberAssigned, (event, manager) => this.leaders.applyAssignment(event, manager));
    this.handlers.on(GridEvents.memberUnassigned, (event, manager) => this.leaders.applyAssignment(event, manager));
  }

  /** A missed wellbeing check: one urgent care alert per agreement and day, however often the event comes. */
  async openCareAlert(data: WellbeingCheckMissedData, manager: EntityManager): Promise<void> {
    const grid = await this.grids.getMany([data.gridId]);
    await this.incidents.insert(manager, {
      gridId: data.gridId,
      gridPath: grid[0]?.path ?? data.gridPath,
      title: `Wellbeing check missed on ${data.day}`,
      description: 'The agreed daily sign was not seen by its deadline: visit and check on the resident.',
      category: 'CARE_ALERT',
      subcategory: 'MISSED_WELLBEING_CHECK',
      priority: 'URGENT',
      source: 'WELLBEING_ALERT',
      reporterId: SYSTEM_ACTORS.population,
      reporterResidentId: null,
      dwellingId: null,
      addressText: null,
      latitude: null,
      longitude: null,
      assigneeId: data.responsibleMemberId,
      photoIds: [],
      idempotencyKey: null,
      originKey: `wellbeing:${data.agreementId}:${data.day}`,
      subjectResidentId: data.residentId,
      wellbeingAgreementId: data.agreementId,
    });
  }

  /** Mediation closed the dispute an incident became: the incident is resolved (if it still owes work). */
  async resolveFromDispute(data: DisputeClosedData, manager: EntityManager): Promise<void> {
    if (!data.originIncidentId) return;
    const [row] = await manager.query<IncidentRow[]>(`SELECT ${COLUMNS} FROM incident WHERE id = $1 FOR UPDATE`, [data.originIncidentId]);
    if (!row) return;
    await manager.query(`UPDATE incident SET dispute_id = $2 WHERE id = $1`, [row.id, data.disputeId]);
    if (!isOpen(row.status)) return;
    await this.incidents.apply(
      manager,
      row,
      'RESOLVE',
      'RESOLVED',
      SYSTEM_ACTORS.mediation,
      `dispute ${data.number}: ${data.outcome}`,
      null,
    );
  }
}
