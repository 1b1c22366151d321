import { catalogue } from '@civgrid/contracts';
import { GridReplicaEntity, GridReplicaModule, ServiceDefinition } from '@civgrid/service-kit';
import { configSchema } from './config/config';
import { migrations } from './database/migrations';
import { IncidentEntity } from './incident/incident.entity';
import { IncidentModule } from './incident/incident.module';

export const incidentReporting: ServiceDefinition = {
  name: 'incident-reporting',
  domain: 'incident',
  configSchema,
  catalogue,
  modules: [GridReplicaModule, IncidentModule],
  entities: [IncidentEntity, GridReplicaEntity],
  migrations,
};
