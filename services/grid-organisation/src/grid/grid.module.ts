import { Module } from '@nestjs/common';
import { AreaModule } from '../area/area.module';
import { AreaGridsResolver, GridResolver } from './grid.resolver';
import { GridService } from './grid.service';

@Module({ imports: [AreaModule], providers: [GridService, GridResolver, AreaGridsResolver], exports: [GridService] })
export class GridModule {}
