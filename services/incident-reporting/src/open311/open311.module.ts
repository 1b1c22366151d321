import { Module } from '@nestjs/common';
import { GridReplicaModule } from '@civgrid/service-kit';
import { IncidentModule } from '../incident/incident.module';
import { PhotoModule } from '../photo/photo.module';
import { Open311Controller } from './open311.controller';
import { Open311KeyResolver } from './open311-key.resolver';
import { Open311KeyService } from './open311-key.service';
import { Open311Service } from './open311.service';

@Module({
  imports: [IncidentModule, PhotoModule, GridReplicaModule],
  controllers: [Open311Controller],
  providers: [Open311Service, Open311KeyService, Open311KeyResolver],
})
export class Open311Module {}
