import { Module } from '@nestjs/common';
import { GridReplicaModule, ReplicasModule } from '@civgrid/service-kit';
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
import { IncidentReplica } from './incident-replica';

@Module({
  imports: [GridReplicaModule, ReplicasModule],
  providers: [
    DisputeService,
    DisputeStepsService,
    IncidentReplica,
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
