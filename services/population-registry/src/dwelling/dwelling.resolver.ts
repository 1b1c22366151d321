import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import { Access, CurrentPrincipal, Principal, principalOf, RULES } from '@civgrid/auth';
import { Connection, PageArgs, RequestContext } from '@civgrid/service-kit';
import { DwellingService } from './dwelling.service';
import { DwellingArgs, DwellingsArgs, RegisterDwellingInput } from './dto/dwelling.inputs';
import { DwellingConnection, DwellingType } from './dto/dwelling.type';
import { GridRef, gridStub } from './dto/grid-ref.type';

@Resolver(() => DwellingType)
export class DwellingResolver {
  constructor(private readonly service: DwellingService) {}

  @Access(RULES.registry.read)
  @Query(() => DwellingType)
  dwelling(@CurrentPrincipal() principal: Principal, @Args() { id }: DwellingArgs): Promise<DwellingType> {
    return this.service.byId(principal, id);
  }

  @Access(RULES.registry.read)
  @Query(() => DwellingConnection, { description: 'The dwellings of a grid, in the order they were registered.' })
  dwellings(@CurrentPrincipal() principal: Principal, @Args() args: DwellingsArgs): Promise<Connection<DwellingType>> {
    return this.service.list(principal, args);
  }

  @Access(RULES.registry.write)
  @Mutation(() => DwellingType)
  registerDwelling(@CurrentPrincipal() principal: Principal, @Args('input') input: RegisterDwellingInput): Promise<DwellingType> {
    return this.service.register(principal, input);
  }

  @Access(RULES.registry.read)
  @ResolveField(() => GridRef)
  grid(@Parent() dwelling: DwellingType): GridRef {
    return gridStub(dwelling.gridId);
  }

  @Access(RULES.registry.read)
  @ResolveReference()
  resolveReference(ref: { id: string }, ctx: RequestContext): Promise<DwellingType> {
    const principal = principalOf(ctx);
    return ctx.loaders.get<string, DwellingType>('dwelling.byId', (ids) => this.service.loadByIds(principal, ids)).load(ref.id);
  }
}

@Resolver(() => GridRef)
export class GridDwellingsResolver {
  constructor(private readonly service: DwellingService) {}

  @Access(RULES.registry.read)
  @ResolveField(() => DwellingConnection, { description: 'Dwellings registered in this grid, in the order they were registered.' })
  dwellings(@Parent() grid: GridRef, @Args() page: PageArgs, @Context() ctx: RequestContext): Promise<Connection<DwellingType>> {
    const principal = principalOf(ctx);
    // One loader per page shape: every grid of a batch asking for the same page costs one statement.
    return ctx.loaders
      .get<string, Connection<DwellingType>>(`dwelling.byGrid:${page.first}:${page.after ?? ''}`, (ids) =>
        this.service.loadPagesByGrid(principal, ids, page),
      )
      .load(grid.id);
  }

  @Access(RULES.grid.read)
  @ResolveReference()
  resolveReference(ref: { id: string }): GridRef {
    return { id: ref.id };
  }
}
