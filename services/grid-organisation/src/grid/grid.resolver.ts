import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import { Access, CurrentPrincipal, Principal, principalOf, RULES } from '@civgrid/auth';
import { Connection, RequestContext } from '@civgrid/service-kit';
import { AreaService } from '../area/area.service';
import { AreaType } from '../area/dto/area.type';
import { LimitArgs } from '../common/limit.args';
import { GridErrors } from './grid.errors';
import { canReadGrid, GridService } from './grid.service';
import { CoverageItemType } from './dto/coverage.type';
import { CreateGridInput, GridArgs, GridByCodeArgs, GridsArgs, RetireGridInput, UpdateGridInput } from './dto/grid.inputs';
import { GridConnection, GridType } from './dto/grid.type';

@Resolver(() => GridType)
export class GridResolver {
  constructor(
    private readonly service: GridService,
    private readonly areaService: AreaService,
  ) {}

  @Access(RULES.grid.read)
  @Query(() => GridType)
  grid(@CurrentPrincipal() principal: Principal, @Args() { id }: GridArgs): Promise<GridType> {
    return this.service.byId(principal, id);
  }

  @Access(RULES.grid.read)
  @Query(() => GridType, { description: 'One grid by its code, active or retired.' })
  gridByCode(@CurrentPrincipal() principal: Principal, @Args() { code }: GridByCodeArgs): Promise<GridType> {
    return this.service.byCode(principal, code);
  }

  @Access(RULES.grid.read)
  @Query(() => GridConnection, { description: 'Grids you may see, in tree order; a subtree with underPath.' })
  grids(@CurrentPrincipal() principal: Principal, @Args() args: GridsArgs): Promise<Connection<GridType>> {
    return this.service.list(principal, args);
  }

  @Access(RULES.grid.manage)
  @Mutation(() => GridType)
  createGrid(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateGridInput): Promise<GridType> {
    return this.service.create(principal, input);
  }

  @Access(RULES.grid.manage)
  @Mutation(() => GridType, { description: 'Renames a grid, adds coverage nobody else has, or changes its outline.' })
  updateGrid(@CurrentPrincipal() principal: Principal, @Args('input') input: UpdateGridInput): Promise<GridType> {
    return this.service.update(principal, input);
  }

  @Access(RULES.grid.manage)
  @Mutation(() => GridType, { description: 'Retires a grid (never deletes it); its assignments end.' })
  retireGrid(@CurrentPrincipal() principal: Principal, @Args('input') input: RetireGridInput): Promise<GridType> {
    return this.service.retire(principal, input);
  }

  @Access(RULES.grid.read)
  @ResolveField(() => [CoverageItemType], { description: 'The buildings or streets it looks after.' })
  coverage(@Parent() grid: GridType, @Context() ctx: RequestContext): Promise<CoverageItemType[]> {
    return ctx.loaders.get<string, CoverageItemType[]>('grid.coverage', (ids) => this.service.loadCoverage(ids)).load(grid.id);
  }

  @Access(RULES.grid.read)
  @ResolveField(() => AreaType, { description: 'The village or community.' })
  area(@Parent() grid: GridType, @Context() ctx: RequestContext): Promise<AreaType> {
    return ctx.loaders.get<string, AreaType>('area.byId', (ids) => this.areaService.loadByIds(ids)).load(grid.areaId);
  }

  @Access(RULES.grid.read)
  @ResolveField(() => GridType, { nullable: true, description: 'The grid above, when there is one and you may see it.' })
  async parentGrid(@Parent() grid: GridType, @Context() ctx: RequestContext): Promise<GridType | null> {
    if (!grid.parentGridId) return null;
    const parent = await this.loader(ctx).load(grid.parentGridId);
    return canReadGrid(principalOf(ctx), parent) ? parent : null;
  }

  @Access(RULES.grid.read)
  @ResolveReference()
  async resolveReference(ref: { id: string }, ctx: RequestContext): Promise<GridType> {
    const grid = await this.loader(ctx).load(ref.id);
    if (!canReadGrid(principalOf(ctx), grid)) throw GridErrors.notFound(ref.id);
    return grid;
  }

  private loader(ctx: RequestContext) {
    return ctx.loaders.get<string, GridType>('grid.byId', (ids) => this.service.loadByIds(ids));
  }
}

@Resolver(() => AreaType)
export class AreaGridsResolver {
  constructor(private readonly service: GridService) {}

  @Access(RULES.grid.read)
  @ResolveField(() => [GridType], {
    description: 'Active grids of a village or community that you may see, in tree order (at most `limit`; all with grids(underPath:)).',
  })
  grids(@Parent() area: AreaType, @Args() { limit }: LimitArgs, @Context() ctx: RequestContext): Promise<GridType[]> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<string, GridType[]>(`grid.byArea:${limit}`, (ids) => this.service.loadByArea(principal, ids, limit))
      .load(area.id);
  }
}
