import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Access, CurrentPrincipal, Principal, principalOf, RULES } from '@civgrid/auth';
import { RequestContext } from '@civgrid/service-kit';
import { GridType } from '../grid/dto/grid.type';
import { canReadGrid, GridService } from '../grid/grid.service';
import { GridMemberType } from '../member/dto/member.type';
import { readableMember } from '../member/member.loader';
import { MemberService } from '../member/member.service';
import { GridHealthArgs } from './dto/health.args';
import { GridHealthType, GridPopulationCountsType, GridProblemType } from './dto/health.type';
import { HealthService } from './health.service';

@Resolver(() => GridHealthType)
export class GridHealthResolver {
  constructor(private readonly service: HealthService) {}

  @Access(RULES.statistics.read)
  @Query(() => GridHealthType, {
    description: 'Grids too large, overlapping, with nobody assigned, and members carrying too much, under an area.',
  })
  gridHealth(@CurrentPrincipal() principal: Principal, @Args() args: GridHealthArgs): Promise<GridHealthType> {
    return this.service.report(principal, args);
  }
}

@Resolver(() => GridProblemType)
export class GridProblemResolver {
  constructor(
    private readonly gridService: GridService,
    private readonly memberService: MemberService,
  ) {}

  @Access(RULES.grid.read)
  @ResolveField(() => [GridType], { description: 'The grids concerned (those you may see).' })
  async grids(@Parent() p: GridProblemType, @Context() ctx: RequestContext): Promise<GridType[]> {
    const principal = principalOf(ctx);
    const grids = await ctx.loaders.get<string, GridType>('grid.byId', (ids) => this.gridService.loadByIds(ids)).loadMany(p.gridIds);
    return grids.filter((g): g is GridType => !(g instanceof Error) && canReadGrid(principal, g));
  }

  @Access(RULES.gridMember.read)
  @ResolveField(() => GridMemberType, { nullable: true, description: 'Member overloaded: who, when you may see them.' })
  member(@Parent() p: GridProblemType, @Context() ctx: RequestContext): Promise<GridMemberType | null> | null {
    return p.memberId ? readableMember(ctx, this.memberService).load(p.memberId) : null;
  }
}

@Resolver(() => GridType)
export class GridCountsResolver {
  constructor(private readonly service: HealthService) {}

  @Access(RULES.statistics.read)
  @ResolveField(() => GridPopulationCountsType, {
    nullable: true,
    description: 'Households and residents, as the population registry last reported.',
  })
  populationCounts(@Parent() grid: GridType, @Context() ctx: RequestContext): Promise<GridPopulationCountsType | null> {
    return ctx.loaders.get<string, GridPopulationCountsType | null>('grid.counts', (ids) => this.service.loadCounts(ids)).load(grid.id);
  }
}
