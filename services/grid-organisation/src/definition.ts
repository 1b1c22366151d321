import { catalogue } from '@civgrid/contracts';
import { ServiceDefinition } from '@civgrid/service-kit';
import { AreaEntity } from './area/area.entity';
import { AreaModule } from './area/area.module';
import { configSchema, GridOrganisationConfig } from './config/config';
import { migrations } from './database/migrations';
import { DepartmentModule } from './department/department.module';
import { GridEntity } from './grid/grid.entity';
import { GridModule } from './grid/grid.module';
import { HealthModule } from './health/health.module';
import { GridAssignmentEntity, GridMemberEntity } from './member/member.entity';
import { MemberModule } from './member/member.module';
import { ReshapeModule } from './reshape/reshape.module';

export const gridOrganisation: ServiceDefinition<GridOrganisationConfig> = {
  name: 'grid-organisation',
  domain: 'grid',
  configSchema,
  catalogue,
  modules: [AreaModule, GridModule, MemberModule, DepartmentModule, ReshapeModule, HealthModule],
  entities: [AreaEntity, GridEntity, GridMemberEntity, GridAssignmentEntity],
  migrations,
};
