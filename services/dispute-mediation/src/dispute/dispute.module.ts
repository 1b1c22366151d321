import { Module } from '@nestjs/common';
import { GridReplicaModule } from '@civgrid/service-kit';
import { DisputeResolver, GridDisputesResolver } from './dispute.resolver';
import { DisputeService } from './dispute.service';

@Module({ imports: [GridReplicaModule], providers: [DisputeService, DisputeResolver, GridDisputesResolver], exports: [DisputeService] })
export class DisputeModule {}
