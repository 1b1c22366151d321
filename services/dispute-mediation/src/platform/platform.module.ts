import { Module } from '@nestjs/common';
import { CentreResolver, CommitteeResolver, MediatorResolver, RoomResolver } from './platform.resolver';
import { PlatformService } from './platform.service';

@Module({
  providers: [PlatformService, CommitteeResolver, MediatorResolver, CentreResolver, RoomResolver],
  exports: [PlatformService],
})
export class PlatformModule {}
