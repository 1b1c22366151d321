import { Module } from '@nestjs/common';
import { PiiCipher } from '@civgrid/pii';
import { CONFIG } from '@civgrid/service-kit';
import { PopulationRegistryConfig } from '../config/config';
import { HouseholdModule } from '../household/household.module';
import { GridResidentsResolver, HouseholdMembersResolver, ResidentResolver } from './resident.resolver';
import { ResidentService } from './resident.service';

@Module({
  imports: [HouseholdModule],
  providers: [
    {
      provide: PiiCipher,
      inject: [CONFIG],
      useFactory: (config: PopulationRegistryConfig) => new PiiCipher(config.PII_ENCRYPTION_KEY, config.PII_HASH_KEY),
    },
    ResidentService,
    ResidentResolver,
    HouseholdMembersResolver,
    GridResidentsResolver,
  ],
  exports: [ResidentService, PiiCipher],
})
export class ResidentModule {}
