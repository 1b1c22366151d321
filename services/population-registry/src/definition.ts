import { catalogue } from '@civgrid/contracts';
import { GridReplicaEntity, GridReplicaModule, ServiceDefinition } from '@civgrid/service-kit';
import { CareModule } from './care/care.module';
import { configSchema, PopulationRegistryConfig } from './config/config';
import { migrations } from './database/migrations';
import { DwellingEntity } from './dwelling/dwelling.entity';
import { DwellingModule } from './dwelling/dwelling.module';
import { HouseholdModule } from './household/household.module';
import { LedgerModule } from './ledger/ledger.module';
import { ResidentModule } from './resident/resident.module';
import { VisitModule } from './visit/visit.module';

export const populationRegistry: ServiceDefinition<PopulationRegistryConfig> = {
  name: 'population-registry',
  domain: 'population',
  configSchema,
  catalogue,
  // GridReplicaModule keeps `grid_replica` from grid events: the kit consumes the grid topic for it.
  modules: [GridReplicaModule, DwellingModule, HouseholdModule, ResidentModule, CareModule, VisitModule, LedgerModule],
  entities: [DwellingEntity, GridReplicaEntity],
  migrations,
};
