import { Module } from '@nestjs/common';
import { DisputeModule } from '../dispute/dispute.module';
import { PlatformModule } from '../platform/platform.module';
import { DepartmentSessionsResolver, DisputeSessionsResolver, SessionResolver } from './session.resolver';
import { SessionService } from './session.service';

@Module({
  imports: [DisputeModule, PlatformModule],
  providers: [SessionService, SessionResolver, DisputeSessionsResolver, DepartmentSessionsResolver],
})
export class SessionModule {}
