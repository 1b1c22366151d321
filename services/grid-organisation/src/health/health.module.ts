import { Module } from '@nestjs/common';
import { GridModule } from '../grid/grid.module';
import { MemberModule } from '../member/member.module';
import { GridCountsResolver, GridHealthResolver, GridProblemResolver } from './health.resolver';
import { HealthService } from './health.service';

@Module({ imports: [GridModule, MemberModule], providers: [HealthService, GridHealthResolver, GridProblemResolver, GridCountsResolver] })
export class HealthModule {}
