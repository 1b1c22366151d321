import { Module } from '@nestjs/common';
import { GridReplicaModule } from '@civgrid/service-kit';
import { DisputeStepsService } from './dispute-steps.service';
import {
  AgreementResolver,
  DisputePartyResolver,
  DisputeStepResolver,
  FollowUpResolver,
  DisputeResolver,
  GridDisputesResolver,
  IncidentDisputeResolver,
  ResidentDisputesResolver,
} from './dispute.resolver';
import { DisputeService } from './dispute.service';

@Module({
  imports: [GridReplicaModule],
  providers: [
    DisputeService,
    DisputeStepsService,
    DisputeResolver,
    DisputePartyResolver,
    AgreementResolver,
    DisputeStepResolver,
    FollowUpResolver,
    GridDisputesResolver,
    ResidentDisputesResolver,
    IncidentDisputeResolver,
  ],
  exports: [DisputeService, DisputeStepsService],
})
export class DisputeModule {}
