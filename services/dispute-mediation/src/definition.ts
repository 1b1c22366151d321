import { catalogue } from '@civgrid/contracts';
import { GridReplicaEntity, GridReplicaModule, ServiceDefinition } from '@civgrid/service-kit';
import { configSchema } from './config/config';
import { migrations } from './database/migrations';
import { DisputeEntity } from './dispute/dispute.entity';
import { DisputeModule } from './dispute/dispute.module';
import { PlatformModule } from './platform/platform.module';
import { SessionModule } from './session/session.module';

export const disputeMediation: ServiceDefinition = {
  name: 'dispute-mediation',
  domain: 'mediation',
  configSchema,
  catalogue,
  modules: [GridReplicaModule, DisputeModule, PlatformModule, SessionModule],
  entities: [DisputeEntity, GridReplicaEntity],
  migrations,
};
