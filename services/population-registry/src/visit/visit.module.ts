import { Module } from '@nestjs/common';
import { HouseholdModule } from '../household/household.module';
import {
  AreaCoverageNotVisitedResolver,
  GridVisitsResolver,
  HouseholdVisitsResolver,
  VisitCoverageResolver,
  VisitResolver,
} from './visit.resolver';
import { VisitService } from './visit.service';

@Module({
  imports: [HouseholdModule],
  providers: [
    VisitService,
    AreaCoverageNotVisitedResolver,
    VisitResolver,
    HouseholdVisitsResolver,
    VisitCoverageResolver,
    GridVisitsResolver,
  ],
})
export class VisitModule {}
