import { Module } from '@nestjs/common';
import { GridReplicaModule } from '@civgrid/service-kit';
import { ResidentModule } from '../resident/resident.module';
import { LedgerController } from './ledger.controller';
import { LedgerResolver } from './ledger.resolver';
import { LedgerService } from './ledger.service';

@Module({ imports: [ResidentModule, GridReplicaModule], controllers: [LedgerController], providers: [LedgerService, LedgerResolver] })
export class LedgerModule {}
