import { Module } from '@nestjs/common';
import { CONFIG, GridReplicaModule, ReplicasModule } from '@civgrid/service-kit';
import { IncidentReportingConfig } from '../config/config';
import { PhotoModule } from '../photo/photo.module';
import { buildTaxonomy, TAXONOMY } from '../taxonomy/taxonomy';
import { GridLeaders } from './grid-leaders';
import { IncidentOverdueJob } from './incident-overdue.job';
import { IncidentReadsService } from './incident-reads.service';
import { IncidentReactions } from './incident.reactions';
import { DwellingRefResolver, GridIncidentsResolver, IncidentResolver, ResidentIncidentsResolver } from './incident.resolver';
import { IncidentService } from './incident.service';

@Module({
  imports: [GridReplicaModule, ReplicasModule, PhotoModule],
  providers: [
    { provide: TAXONOMY, useFactory: (config: IncidentReportingConfig) => buildTaxonomy(config), inject: [CONFIG] },
    IncidentService,
    IncidentReadsService,
    IncidentReactions,
    IncidentOverdueJob,
    GridLeaders,
    IncidentResolver,
    GridIncidentsResolver,
    ResidentIncidentsResolver,
    DwellingRefResolver,
  ],
  exports: [TAXONOMY, IncidentService, IncidentReadsService, IncidentOverdueJob],
})
export class IncidentModule {}
