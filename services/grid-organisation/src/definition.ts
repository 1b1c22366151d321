import { catalogue } from '@civgrid/contracts';
import { ServiceDefinition } from '@civgrid/service-kit';
import { AreaEntity } from './area/area.entity';
import { AreaModule } from './area/area.module';
import { configSchema } from './config/config';
import { migrations } from './database/migrations';
import { GridEntity } from './grid/grid.entity';
import { GridModule } from './grid/grid.module';

export const gridOrganisation: ServiceDefinition = {
  name: 'grid-organisation',
  domain: 'grid',
  configSchema,
  catalogue,
  modules: [AreaModule, GridModule],
  entities: [AreaEntity, GridEntity],
  migrations,
};
