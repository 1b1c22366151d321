import { catalogue } from '@civgrid/contracts';
import { GridReplicaEntity, GridReplicaModule, ServiceDefinition } from '@civgrid/service-kit';
import { configSchema } from './config/config';
import { migrations } from './database/migrations';
import { DwellingEntity } from './dwelling/dwelling.entity';
import { DwellingModule } from './dwelling/dwelling.module';

export const populationRegistry: ServiceDefinition = {
  name: 'population-registry',
  domain: 'population',
  configSchema,
  catalogue,
  // GridReplicaModule keeps `grid_replica` from grid events: the kit consumes the grid topic for it.
  modules: [GridReplicaModule, DwellingModule],
  entities: [DwellingEntity, GridReplicaEntity],
  migrations,
};
