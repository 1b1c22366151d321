import { Module, OnModuleInit } from '@nestjs/common';
import { ReplicasModule } from '@civgrid/service-kit';
import { IncidentModule } from '../incident/incident.module';
import { IncidentOverdueJob } from '../incident/incident-overdue.job';
import { DepartmentWhistlesResolver, IncidentWhistlesResolver, WhistleResolver } from './whistle.resolver';
import { WhistleService } from './whistle.service';

@Module({
  imports: [IncidentModule, ReplicasModule],
  providers: [WhistleService, WhistleResolver, IncidentWhistlesResolver, DepartmentWhistlesResolver],
})
export class WhistleModule implements OnModuleInit {
  constructor(
    private readonly overdue: IncidentOverdueJob,
    private readonly whistles: WhistleService,
  ) {}

  onModuleInit(): void {
    // A summoned department's silent deadline is marked in the incidents' overdue round, like the incidents' own.
    this.overdue.alsoRun((now, manager) => this.whistles.markSilent(now, manager));
  }
}
