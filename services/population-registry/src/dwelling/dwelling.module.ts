import { Module } from '@nestjs/common';
import { GridReplicaModule } from '@civgrid/service-kit';
import { DwellingResolver, GridDwellingsResolver } from './dwelling.resolver';
import { DwellingService } from './dwelling.service';

@Module({ imports: [GridReplicaModule], providers: [DwellingService, DwellingResolver, GridDwellingsResolver] })
export class DwellingModule {}
