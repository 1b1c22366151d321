import { Module } from '@nestjs/common';
import { DwellingModule } from '../dwelling/dwelling.module';
import { GridHouseholdsResolver, HouseholdResolver } from './household.resolver';
import { HouseholdService } from './household.service';

@Module({
  imports: [DwellingModule],
  providers: [HouseholdService, HouseholdResolver, GridHouseholdsResolver],
  exports: [HouseholdService],
})
export class HouseholdModule {}
