import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Principal, Roles } from '@civgrid/auth';
import { Connection, RequestContext } from '@civgrid/service-kit';
import { GridType } from '../grid/dto/grid.type';
import { GRID_MANAGERS, GridService } from '../grid/grid.service';
import { ReshapeService } from './reshape.service';
import { GridReshapesArgs, MergeGridsInput, MoveCoverageInput, SplitGridInput } from './reshape.inputs';
import { CoverageMoveType, GridReshapeConnection, GridReshapeType } from './reshape.type';

const gridLoader = (ctx: RequestContext, grids: GridService) =>
  ctx.loaders.get<string, GridType>('grid.byId', (ids) => grids.loadByIds(ids));

@Resolver(() => GridReshapeType)
export class ReshapeResolver {
  constructor(
    private readonly service: ReshapeService,
    private readonly grids: GridService,
  ) {}

  @Mutation(() => GridReshapeType, {
    description: 'Splits a grid: every coverage item (and grid below) goes to one part; the old grid is retired.',
  })
  @Roles(...GRID_MANAGERS)
  splitGrid(@CurrentPrincipal() principal: Principal, @Args('input') input: SplitGridInput): Promise<GridReshapeType> {
    return this.service.split(principal, input);
  }

  @Mutation(() => GridReshapeType, {
    description: 'Merges grids of one village under one parent into a new grid; the old ones are retired.',
  })
  @Roles(...GRID_MANAGERS)
  mergeGrids(@CurrentPrincipal() principal: Principal, @Args('input') input: MergeGridsInput): Promise<GridReshapeType> {
    return this.service.merge(principal, input);
  }

  @Mutation(() => GridReshapeType, { description: 'Moves coverage items from one grid to another of the same village.' })
  @Roles(...GRID_MANAGERS)
  moveCoverage(@CurrentPrincipal() principal: Principal, @Args('input') input: MoveCoverageInput): Promise<GridReshapeType> {
    return this.service.move(principal, input);
  }

  @Query(() => GridReshapeConnection, { description: 'Reshaping history, newest first.' })
  gridReshapes(@CurrentPrincipal() principal: Principal, @Args() args: GridReshapesArgs): Promise<Connection<GridReshapeType>> {
    return this.service.list(principal, args);
  }

  @ResolveField(() => [GridType], { description: 'Grids retired by it (or, for a move, the grid the items left).' })
  fromGrids(@Parent() r: GridReshapeType, @Context() ctx: RequestContext): Promise<(GridType | Error)[]> {
    return gridLoader(ctx, this.grids).loadMany(r.fromGridIds);
  }

  @ResolveField(() => [GridType], { description: 'Grids created by it (or, for a move, the grid the items joined).' })
  toGrids(@Parent() r: GridReshapeType, @Context() ctx: RequestContext): Promise<(GridType | Error)[]> {
    return gridLoader(ctx, this.grids).loadMany(r.toGridIds);
  }

  @ResolveField(() => [CoverageMoveType], { description: 'Where every coverage item went.' })
  items(@Parent() r: GridReshapeType, @Context() ctx: RequestContext): Promise<CoverageMoveType[]> {
    return ctx.loaders.get<string, CoverageMoveType[]>('reshape.items', (ids) => this.service.loadItems(ids)).load(r.id);
  }
}

@Resolver(() => CoverageMoveType)
export class CoverageMoveResolver {
  constructor(private readonly grids: GridService) {}

  @ResolveField(() => GridType)
  fromGrid(@Parent() m: CoverageMoveType, @Context() ctx: RequestContext): Promise<GridType> {
    return gridLoader(ctx, this.grids).load(m.fromGridId);
  }

  @ResolveField(() => GridType)
  toGrid(@Parent() m: CoverageMoveType, @Context() ctx: RequestContext): Promise<GridType> {
    return gridLoader(ctx, this.grids).load(m.toGridId);
  }
}

@Resolver(() => GridType)
export class GridHistoryResolver {
  constructor(private readonly service: ReshapeService) {}

  @ResolveField(() => [GridReshapeType], {
    description: 'Reshapes this grid took part in, oldest first: where it came from and where it went.',
  })
  reshapes(@Parent() grid: GridType, @Context() ctx: RequestContext): Promise<GridReshapeType[]> {
    return ctx.loaders.get<string, GridReshapeType[]>('reshape.byGrid', (ids) => this.service.loadByGrids(ids)).load(grid.id);
  }
}
