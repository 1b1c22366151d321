import { Module, OnModuleInit } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import { CONFIG, Jobs, ReplicasModule } from '@civgrid/service-kit';
import { IncidentReportingConfig } from '../config/config';
import { IncidentModule, OVERDUE_JOB } from '../incident/incident.module';
import { IncidentService } from '../incident/incident.service';
import { DepartmentWhistlesResolver, IncidentWhistlesResolver, WhistleResolver } from './whistle.resolver';
import { WhistleService } from './whistle.service';

@Module({
  imports: [IncidentModule, ReplicasModule],
  providers: [WhistleService, WhistleResolver, IncidentWhistlesResolver, DepartmentWhistlesResolver],
})
export class WhistleModule implements OnModuleInit {
  constructor(
    private readonly incidents: IncidentService,
    private readonly whistles: WhistleService,
    private readonly jobs: Jobs,
    @Inject(CONFIG) private readonly config: IncidentReportingConfig,
  ) {}

  onModuleInit(): void {
    // One round marks every deadline missed since the last: the marks live in the rows, so nothing fires twice.
    this.jobs.register({
      name: OVERDUE_JOB,
      everyMs: this.config.OVERDUE_CHECK_MS,
      run: async (now, manager) => (await this.incidents.markOverdue(now, manager)) + (await this.whistles.markSilent(now, manager)),
    });
  }
}
