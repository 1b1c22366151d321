import { Module } from '@nestjs/common';
import { IncidentModule } from '../incident/incident.module';
import { PhotoModule } from '../photo/photo.module';
import { Open311Controller } from './open311.controller';
import { Open311Service } from './open311.service';

@Module({ imports: [IncidentModule, PhotoModule], controllers: [Open311Controller], providers: [Open311Service] })
export class Open311Module {}
