import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import { Access, CurrentPrincipal, Principal, principalOf, RULES } from '@civgrid/auth';
import { Connection, PageArgs, RequestContext } from '@civgrid/service-kit';
import { DwellingService } from '../dwelling/dwelling.service';
import { DwellingType } from '../dwelling/dto/dwelling.type';
import { GridRef, gridStub } from '../dwelling/dto/grid-ref.type';
import { HouseholdService } from './household.service';
import { HouseholdArgs, MoveHouseholdInput, RegisterHouseholdInput } from './dto/household.inputs';
import { HouseholdConnection, HouseholdMembershipType, HouseholdType } from './dto/household.type';

export const householdLoader = (ctx: RequestContext, service: HouseholdService) => {
  const principal = principalOf(ctx);
  return ctx.loaders.get<string, HouseholdType>('household.byId', (ids) => service.loadByIds(principal, ids));
};

@Resolver(() => HouseholdType)
export class HouseholdResolver {
  constructor(
    private readonly service: HouseholdService,
    private readonly dwellings: DwellingService,
  ) {}

  @Access(RULES.registry.read)
  @Query(() => HouseholdType)
  household(@CurrentPrincipal() principal: Principal, @Args() { id }: HouseholdArgs): Promise<HouseholdType> {
    return this.service.byId(principal, id);
  }

  @Access(RULES.registry.write)
  @Mutation(() => HouseholdType)
  registerHousehold(@CurrentPrincipal() principal: Principal, @Args('input') input: RegisterHouseholdInput): Promise<HouseholdType> {
    return this.service.register(principal, input);
  }

  @Access(RULES.registry.write)
  @Mutation(() => HouseholdType, { description: 'The whole household moves to another dwelling; its residents follow.' })
  moveHousehold(@CurrentPrincipal() principal: Principal, @Args('input') input: MoveHouseholdInput): Promise<HouseholdType> {
    return this.service.move(principal, input);
  }

  @Access(RULES.registry.read)
  @ResolveField(() => DwellingType)
  dwelling(@Parent() household: HouseholdType, @Context() ctx: RequestContext): Promise<DwellingType> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<string, DwellingType>('dwelling.byId', (ids) => this.dwellings.loadByIds(principal, ids))
      .load(household.dwellingId);
  }

  @Access(RULES.registry.read)
  @ResolveField(() => GridRef)
  grid(@Parent() household: HouseholdType): GridRef {
    return gridStub(household.gridId);
  }

  @Access(RULES.registry.read)
  @ResolveField(() => [HouseholdMembershipType], { description: 'Who joined and left, and why, oldest first.' })
  membershipHistory(@Parent() household: HouseholdType, @Context() ctx: RequestContext): Promise<HouseholdMembershipType[]> {
    return ctx.loaders
      .get<string, HouseholdMembershipType[]>('household.history', (ids) => this.service.loadHistories(ids))
      .load(household.id);
  }

  @Access(RULES.registry.read)
  @ResolveReference()
  resolveReference(ref: { id: string }, ctx: RequestContext): Promise<HouseholdType> {
    return householdLoader(ctx, this.service).load(ref.id);
  }
}

@Resolver(() => GridRef)
export class GridHouseholdsResolver {
  constructor(private readonly service: HouseholdService) {}

  @Access(RULES.registry.read)
  @ResolveField(() => HouseholdConnection, { description: 'Households registered in this grid, in the order they were registered.' })
  households(@Parent() grid: GridRef, @Args() page: PageArgs, @Context() ctx: RequestContext): Promise<Connection<HouseholdType>> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<string, Connection<HouseholdType>>(`household.byGrid:${page.first}:${page.after ?? ''}`, (ids) =>
        this.service.loadPagesByGrid(principal, ids, page),
      )
      .load(grid.id);
  }
}
