import { Module, OnModuleInit } from '@nestjs/common';
import { DisputeClosedData, GridEvents, ReactionEvents, WellbeingCheckMissedData } from '@civgrid/contracts';
import { EventHandlers, GridReplicaModule, ReplicasModule } from '@civgrid/service-kit';
import { PhotoModule } from '../photo/photo.module';
import { GridLeaders } from './grid-leaders';
import { DwellingRefResolver, GridIncidentsResolver, IncidentResolver, ResidentIncidentsResolver } from './incident.resolver';
import { IncidentService } from './incident.service';

export const OVERDUE_JOB = 'incident-overdue';

@Module({
  imports: [GridReplicaModule, ReplicasModule, PhotoModule],
  providers: [IncidentService, GridLeaders, IncidentResolver, GridIncidentsResolver, ResidentIncidentsResolver, DwellingRefResolver],
  exports: [IncidentService],
})
export class IncidentModule implements OnModuleInit {
  constructor(
    private readonly incidents: IncidentService,
    private readonly leaders: GridLeaders,
    private readonly handlers: EventHandlers,
  ) {}

  onModuleInit(): void {
    // The kit records each event id in the inbox in the same transaction: a redelivery has no second effect.
    this.handlers.on(ReactionEvents.wellbeingCheckMissed, (event, manager) =>
      this.incidents.openCareAlert(event.data as WellbeingCheckMissedData, manager),
    );
    this.handlers.on(ReactionEvents.disputeClosed, (event, manager) =>
      this.incidents.resolveFromDispute(event.data as DisputeClosedData, manager),
    );
    // Who leads which grid: closing is verified by the reporter or the grid leader.
    this.handlers.on(GridEvents.memberRegistered, (event, manager) => this.leaders.applyMember(event, manager));
    this.handlers.on(GridEvents.memberAssigned, (event, manager) => this.leaders.applyAssignment(event, manager));
    this.handlers.on(GridEvents.memberUnassigned, (event, manager) => this.leaders.applyAssignment(event, manager));
  }
}
