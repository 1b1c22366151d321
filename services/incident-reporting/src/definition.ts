import { catalogue } from '@civgrid/contracts';
import { GridReplicaEntity, GridReplicaModule, ServiceDefinition } from '@civgrid/service-kit';
import { configSchema, IncidentReportingConfig } from './config/config';
import { migrations } from './database/migrations';
import { HttpEdgeModule } from './http/http.module';
import { IncidentModule } from './incident/incident.module';
import { Open311Module } from './open311/open311.module';
import { PhotoModule } from './photo/photo.module';
import { WhistleModule } from './whistle/whistle.module';

export const incidentReporting: ServiceDefinition<IncidentReportingConfig> = {
  name: 'incident-reporting',
  domain: 'incident',
  configSchema,
  catalogue,
  modules: [HttpEdgeModule, GridReplicaModule, PhotoModule, IncidentModule, WhistleModule, Open311Module],
  // The only entity is the grid replica the kit reads with TypeORM; incidents are read and written in SQL (incident.rows.ts).
  entities: [GridReplicaEntity],
  migrations,
};
