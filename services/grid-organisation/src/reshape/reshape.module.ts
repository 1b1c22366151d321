import { Module } from '@nestjs/common';
import { GridModule } from '../grid/grid.module';
import { CoverageMoveResolver, GridHistoryResolver, ReshapeResolver } from './reshape.resolver';
import { ReshapeService } from './reshape.service';

@Module({ imports: [GridModule], providers: [ReshapeService, ReshapeResolver, CoverageMoveResolver, GridHistoryResolver] })
export class ReshapeModule {}
