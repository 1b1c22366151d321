import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { CONFIG, Jobs } from '@civgrid/service-kit';
import { PopulationRegistryConfig } from '../config/config';
import { ResidentModule } from '../resident/resident.module';
import { AgreementContactsResolver, CareResolver, CheckDueResolver, GridCareResolver, ResidentCareResolver } from './care.resolver';
import { CareService, WELLBEING_JOB } from './care.service';
import { CheckInController } from './check-in.controller';
import { MemberAssignments } from './member-assignments';

@Module({
  imports: [ResidentModule],
  controllers: [CheckInController],
  providers: [
    CareService,
    MemberAssignments,
    CareResolver,
    CheckDueResolver,
    ResidentCareResolver,
    GridCareResolver,
    AgreementContactsResolver,
  ],
})
export class CareModule implements OnModuleInit {
  constructor(
    private readonly jobs: Jobs,
    private readonly care: CareService,
    @Inject(CONFIG) private readonly config: PopulationRegistryConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: WELLBEING_JOB,
      everyMs: this.config.WELLBEING_CHECK_JOB_MS,
      run: (now, manager) => this.care.raiseMisses(now, manager),
    });
  }
}
