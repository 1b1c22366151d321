import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Access, CurrentPrincipal, Principal, principalOf, RULES } from '@civgrid/auth';
import { Connection, PageArgs, RequestContext } from '@civgrid/service-kit';
import { GridType } from '../grid/dto/grid.type';
import { canReadGrid, GridService } from '../grid/grid.service';
import { ReshapeService } from './reshape.service';
import { GridReshapesArgs, MergeGridsInput, MoveCoverageInput, SplitGridInput } from './reshape.inputs';
import { CoverageMoveConnection, CoverageMoveType, GridReshapeConnection, GridReshapeType } from './reshape.type';

const gridLoader = (ctx: RequestContext, grids: GridService) =>
  ctx.loaders.get<string, GridType>('grid.byId', (ids) => grids.loadByIds(ids));

/** Those of the grids the reader may see (the one grid-row rule), in order. */
async function readableGrids(ctx: RequestContext, grids: GridService, ids: readonly string[]): Promise<GridType[]> {
  const principal = principalOf(ctx);
  const found = await gridLoader(ctx, grids).loadMany(ids);
  return found.filter((g): g is GridType => !(g instanceof Error) && canReadGrid(principal, g));
}

@Resolver(() => GridReshapeType)
export class ReshapeResolver {
  constructor(
    private readonly service: ReshapeService,
    private readonly grids: GridService,
  ) {}

  @Access(RULES.grid.manage)
  @Mutation(() => GridReshapeType, {
    description: 'Splits a grid: every coverage item (and grid below) goes to one part; the old grid is retired.',
  })
  splitGrid(@CurrentPrincipal() principal: Principal, @Args('input') input: SplitGridInput): Promise<GridReshapeType> {
    return this.service.split(principal, input);
  }

  @Access(RULES.grid.manage)
  @Mutation(() => GridReshapeType, {
    description: 'Merges grids of one village under one parent into a new grid; the old ones are retired.',
  })
  mergeGrids(@CurrentPrincipal() principal: Principal, @Args('input') input: MergeGridsInput): Promise<GridReshapeType> {
    return this.service.merge(principal, input);
  }

  @Access(RULES.grid.manage)
  @Mutation(() => GridReshapeType, { description: 'Moves coverage items from one grid to another of the same village.' })
  moveCoverage(@CurrentPrincipal() principal: Principal, @Args('input') input: MoveCoverageInput): Promise<GridReshapeType> {
    return this.service.move(principal, input);
  }

  @Access(RULES.grid.read)
  @Query(() => GridReshapeConnection, { description: 'Reshaping history, newest first.' })
  gridReshapes(@CurrentPrincipal() principal: Principal, @Args() args: GridReshapesArgs): Promise<Connection<GridReshapeType>> {
    return this.service.list(principal, args);
  }

  @Access(RULES.grid.read)
  @ResolveField(() => [GridType], { description: 'Grids retired by it (or, for a move, the grid the items left), those you may see.' })
  fromGrids(@Parent() r: GridReshapeType, @Context() ctx: RequestContext): Promise<GridType[]> {
    return readableGrids(ctx, this.grids, r.fromGridIds);
  }

  @Access(RULES.grid.read)
  @ResolveField(() => [GridType], { description: 'Grids created by it (or, for a move, the grid the items joined), those you may see.' })
  toGrids(@Parent() r: GridReshapeType, @Context() ctx: RequestContext): Promise<GridType[]> {
    return readableGrids(ctx, this.grids, r.toGridIds);
  }

  @Access(RULES.grid.read)
  @ResolveField(() => CoverageMoveConnection, {
    description: 'Where every coverage item went (that left or joined a grid you may see), by old grid and key.',
  })
  items(@Parent() r: GridReshapeType, @Args() page: PageArgs, @Context() ctx: RequestContext): Promise<Connection<CoverageMoveType>> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<string, Connection<CoverageMoveType>>(`reshape.items:${page.first}:${page.after ?? ''}`, (ids) =>
        this.service.loadItemPages(principal, ids, page),
      )
      .load(r.id);
  }
}

@Resolver(() => CoverageMoveType)
export class CoverageMoveResolver {
  constructor(private readonly grids: GridService) {}

  @Access(RULES.grid.read)
  @ResolveField(() => GridType, { nullable: true, description: 'The grid it left; empty when you may not see that grid.' })
  async fromGrid(@Parent() m: CoverageMoveType, @Context() ctx: RequestContext): Promise<GridType | null> {
    return (await readableGrids(ctx, this.grids, [m.fromGridId]))[0] ?? null;
  }

  @Access(RULES.grid.read)
  @ResolveField(() => GridType, { nullable: true, description: 'The grid it joined; empty when you may not see that grid.' })
  async toGrid(@Parent() m: CoverageMoveType, @Context() ctx: RequestContext): Promise<GridType | null> {
    return (await readableGrids(ctx, this.grids, [m.toGridId]))[0] ?? null;
  }
}

@Resolver(() => GridType)
export class GridHistoryResolver {
  constructor(private readonly service: ReshapeService) {}

  @Access(RULES.grid.read)
  @ResolveField(() => GridReshapeConnection, {
    description: 'Reshapes this grid took part in, oldest first: where it came from and where it went.',
  })
  reshapes(@Parent() grid: GridType, @Args() page: PageArgs, @Context() ctx: RequestContext): Promise<Connection<GridReshapeType>> {
    return ctx.loaders
      .get<string, Connection<GridReshapeType>>(`reshape.byGrid:${page.first}:${page.after ?? ''}`, (ids) =>
        this.service.loadPagesByGrid(ids, page),
      )
      .load(grid.id);
  }
}
