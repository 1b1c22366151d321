import { Module } from '@nestjs/common';
import { ReplicasModule } from '@civgrid/service-kit';
import { CentreResolver, CommitteeResolver, MediatorResolver, RoomResolver } from './platform.resolver';
import { PlatformService } from './platform.service';

@Module({
  imports: [ReplicasModule],
  providers: [PlatformService, CommitteeResolver, MediatorResolver, CentreResolver, RoomResolver],
  exports: [PlatformService],
})
export class PlatformModule {}
