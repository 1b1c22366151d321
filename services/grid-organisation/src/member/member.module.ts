import { Module } from '@nestjs/common';
import { PiiCipher } from '@civgrid/pii';
import { CONFIG } from '@civgrid/service-kit';
import { AreaModule } from '../area/area.module';
import { GridOrganisationConfig } from '../config/config';
import { GridModule } from '../grid/grid.module';
import { GridAssignmentResolver, GridMemberResolver, GridStaffResolver } from './member.resolver';
import { MemberService } from './member.service';

@Module({
  imports: [AreaModule, GridModule],
  providers: [
    {
      provide: PiiCipher,
      inject: [CONFIG],
      useFactory: (config: GridOrganisationConfig) => new PiiCipher(config.PII_ENCRYPTION_KEY, config.PII_HASH_KEY),
    },
    MemberService,
    GridMemberResolver,
    GridAssignmentResolver,
    GridStaffResolver,
  ],
  exports: [MemberService, PiiCipher],
})
export class MemberModule {}
