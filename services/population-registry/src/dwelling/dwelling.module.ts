import { Module } from '@nestjs/common';
import { GridReplicaModule } from '@civgrid/service-kit';
import { DwellingResolver, GridDwellingsResolver } from './dwelling.resolver';
import { DwellingService } from './dwelling.service';
import { ReshapeHandler } from './reshape.handler';

@Module({
  imports: [GridReplicaModule],
  providers: [DwellingService, DwellingResolver, GridDwellingsResolver, ReshapeHandler],
  exports: [DwellingService],
})
export class DwellingModule {}
