import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Access, CurrentPrincipal, Principal, principalOf, RULES } from '@civgrid/auth';
import { Connection, PageArgs, RequestContext } from '@civgrid/service-kit';
import { GridRef } from '../dwelling/dto/grid-ref.type';
import { HouseholdConnection, HouseholdType } from '../household/dto/household.type';
import { VisitService } from './visit.service';
import { AreaCoverageArgs, RecordNeedInput, RecordVisitInput } from './dto/visit.inputs';
import { AreaVisitCoverageType, HouseholdVisitType, NeedType, VisitCoverageType } from './dto/visit.type';

@Resolver()
export class VisitResolver {
  constructor(private readonly service: VisitService) {}

  @Access(RULES.visit.write)
  @Mutation(() => HouseholdVisitType, { description: 'Records a door-to-door visit, with any needs raised.' })
  recordVisit(@CurrentPrincipal() principal: Principal, @Args('input') input: RecordVisitInput): Promise<HouseholdVisitType> {
    return this.service.record(principal, input);
  }

  @Access(RULES.visit.write)
  @Mutation(() => NeedType)
  recordNeed(@CurrentPrincipal() principal: Principal, @Args('input') input: RecordNeedInput): Promise<NeedType> {
    return this.service.recordNeed(principal, input);
  }

  @Access(RULES.visit.write)
  @Mutation(() => NeedType, { description: 'Marks a need as met by the caller, now.' })
  meetNeed(@CurrentPrincipal() principal: Principal, @Args('needId', { type: () => ID }) needId: string): Promise<NeedType> {
    return this.service.meetNeed(principal, needId);
  }

  @Access(RULES.statistics.read)
  @Query(() => AreaVisitCoverageType, { description: "This quarter's visit coverage of the grids in reach under an area." })
  areaVisitCoverage(@CurrentPrincipal() principal: Principal, @Args() args: AreaCoverageArgs): Promise<AreaVisitCoverageType> {
    return this.service.areaCoverage(principal, args.areaPath);
  }
}

@Resolver(() => HouseholdType)
export class HouseholdVisitsResolver {
  constructor(private readonly service: VisitService) {}

  @Access(RULES.visit.read)
  @ResolveField(() => [HouseholdVisitType], { description: 'Visits, newest first.' })
  visits(@Parent() household: HouseholdType, @Context() ctx: RequestContext): Promise<HouseholdVisitType[]> {
    return ctx.loaders.get<string, HouseholdVisitType[]>('visit.byHousehold', (ids) => this.service.visitsOf(ids)).load(household.id);
  }

  @Access(RULES.visit.read)
  @ResolveField(() => [NeedType], { description: 'Needs recorded, oldest first.' })
  needs(@Parent() household: HouseholdType, @Context() ctx: RequestContext): Promise<NeedType[]> {
    return ctx.loaders.get<string, NeedType[]>('need.byHousehold', (ids) => this.service.needsOf(ids)).load(household.id);
  }
}

@Resolver(() => VisitCoverageType)
export class VisitCoverageResolver {
  constructor(private readonly service: VisitService) {}

  @Access(RULES.registry.read)
  @ResolveField(() => HouseholdConnection, { description: 'Households not yet visited this quarter, in the order they were registered.' })
  notVisited(
    @Parent() coverage: VisitCoverageType,
    @Args() page: PageArgs,
    @Context() ctx: RequestContext,
  ): Promise<Connection<HouseholdType>> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<VisitCoverageType, Connection<HouseholdType>>(`visit.notVisited:${page.first}:${page.after ?? ''}`, (batch) =>
        this.service.loadNotVisited(principal, batch, page),
      )
      .load(coverage);
  }
}

@Resolver(() => AreaVisitCoverageType)
export class AreaCoverageNotVisitedResolver {
  constructor(private readonly service: VisitService) {}

  @Access(RULES.registry.read)
  @ResolveField(() => HouseholdConnection, {
    description: 'Households in reach under the area not yet visited this quarter, in the order they were registered.',
  })
  notVisited(
    @Parent() coverage: AreaVisitCoverageType,
    @Args() page: PageArgs,
    @Context() ctx: RequestContext,
  ): Promise<Connection<HouseholdType>> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<string, Connection<HouseholdType>>(`visit.areaNotVisited:${page.first}:${page.after ?? ''}`, (paths) =>
        this.service.loadAreaNotVisited(principal, paths, page),
      )
      .load(coverage.areaPath);
  }
}

@Resolver(() => GridRef)
export class GridVisitsResolver {
  constructor(private readonly service: VisitService) {}

  @Access(RULES.statistics.read)
  @ResolveField(() => VisitCoverageType, {
    nullable: true,
    description: "This quarter's door-to-door coverage; null for a grid out of reach.",
  })
  visitCoverage(@Parent() grid: GridRef, @Context() ctx: RequestContext): Promise<VisitCoverageType | null> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<string, VisitCoverageType | null>('visit.coverage', (ids) => this.service.loadCoverage(principal, ids))
      .load(grid.id);
  }
}
