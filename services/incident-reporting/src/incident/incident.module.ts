import { Module } from '@nestjs/common';
import { GridReplicaModule } from '@civgrid/service-kit';
import { GridIncidentsResolver, IncidentResolver } from './incident.resolver';
import { IncidentService } from './incident.service';

@Module({ imports: [GridReplicaModule], providers: [IncidentService, IncidentResolver, GridIncidentsResolver], exports: [IncidentService] })
export class IncidentModule {}
