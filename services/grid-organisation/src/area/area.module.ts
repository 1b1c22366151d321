import { Module } from '@nestjs/common';
import { AreaResolver } from './area.resolver';
import { AreaService } from './area.service';

@Module({ providers: [AreaService, AreaResolver], exports: [AreaService] })
export class AreaModule {}
