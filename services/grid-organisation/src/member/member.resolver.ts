import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import { Access, CurrentPrincipal, FIELDS, Principal, principalOf, RULES } from '@civgrid/auth';
import { Connection, RequestContext } from '@civgrid/service-kit';
import { AreaService } from '../area/area.service';
import { AreaType } from '../area/dto/area.type';
import { GridType } from '../grid/dto/grid.type';
import { GridErrors } from '../grid/grid.errors';
import { canReadGrid, GridService } from '../grid/grid.service';
import { readableMember } from './member.loader';
import { MemberErrors } from './member.errors';
import { MemberService } from './member.service';
import {
  AssignGridMemberInput,
  AssignmentsArgs,
  EndGridAssignmentInput,
  GridMemberArgs,
  GridMembersArgs,
  RegisterGridMemberInput,
} from './dto/member.inputs';
import { GridAssignmentConnection, GridAssignmentType, GridMemberConnection, GridMemberType } from './dto/member.type';

// One loader per page shape: every grid (or member) of a batch asking for the same page costs one statement.
const assignmentsLoader = (ctx: RequestContext, service: MemberService, by: 'grid' | 'member', args: AssignmentsArgs) => {
  const principal = principalOf(ctx);
  return ctx.loaders.get<string, Connection<GridAssignmentType>>(
    `assignments.${by}:${args.current}:${args.first}:${args.after ?? ''}`,
    (ids) => service.loadAssignmentPages(principal, by, ids, args),
  );
};

@Resolver(() => GridMemberType)
export class GridMemberResolver {
  constructor(
    private readonly service: MemberService,
    private readonly areaService: AreaService,
  ) {}

  @Access(RULES.gridMember.read)
  @Query(() => GridMemberType)
  gridMember(@CurrentPrincipal() principal: Principal, @Args() { id }: GridMemberArgs): Promise<GridMemberType> {
    return this.service.byId(principal, id);
  }

  @Access(RULES.gridMember.read)
  @Query(() => GridMemberConnection, { description: 'Grid members you may see; by area, by grid, or by exact phone number.' })
  gridMembers(@CurrentPrincipal() principal: Principal, @Args() args: GridMembersArgs): Promise<Connection<GridMemberType>> {
    return this.service.list(principal, args);
  }

  @Access(RULES.gridMember.manage)
  @Mutation(() => GridMemberType)
  registerGridMember(@CurrentPrincipal() principal: Principal, @Args('input') input: RegisterGridMemberInput): Promise<GridMemberType> {
    return this.service.register(principal, input);
  }

  @Access(RULES.gridMember.manage)
  @Mutation(() => GridAssignmentType, { description: 'Gives a member a role on a grid; a grid has at most one grid leader at a time.' })
  assignGridMember(@CurrentPrincipal() principal: Principal, @Args('input') input: AssignGridMemberInput): Promise<GridAssignmentType> {
    return this.service.assign(principal, input);
  }

  @Access(RULES.gridMember.manage)
  @Mutation(() => GridAssignmentType)
  endGridAssignment(@CurrentPrincipal() principal: Principal, @Args('input') input: EndGridAssignmentInput): Promise<GridAssignmentType> {
    return this.service.endAssignment(principal, input);
  }

  @Access(FIELDS.gridMember.phone)
  @ResolveField(() => String, {
    description:
      'Masked (138****5678) unless you need it — an officer over the member’s area, the member’s own grid leader, or the member — and state why in `purpose`; every unmasked read is audited.',
  })
  phone(
    @Parent() member: GridMemberType,
    @Context() ctx: RequestContext,
    @Args('purpose', { type: () => String, nullable: true, description: 'Why you need the number (3–500 characters).' }) purpose?: string,
  ): Promise<string> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<GridMemberType, string>(`member.phone.${purpose ?? ''}`, (members) => this.service.phones(principal, members, purpose))
      .load(member);
  }

  @Access(RULES.gridMember.read)
  @ResolveField(() => AreaType, { description: 'The area the member works for.' })
  area(@Parent() member: GridMemberType, @Context() ctx: RequestContext): Promise<AreaType> {
    return ctx.loaders.get<string, AreaType>('area.byId', (ids) => this.areaService.loadByIds(ids)).load(member.areaId);
  }

  @Access(RULES.gridMember.read)
  @ResolveField(() => GridAssignmentConnection, { description: 'Roles on the grids you may see, oldest first.' })
  assignments(
    @Parent() member: GridMemberType,
    @Context() ctx: RequestContext,
    @Args() args: AssignmentsArgs,
  ): Promise<Connection<GridAssignmentType>> {
    return assignmentsLoader(ctx, this.service, 'member', args).load(member.id);
  }

  @Access(RULES.gridMember.read)
  @ResolveReference()
  async resolveReference(ref: { id: string }, ctx: RequestContext): Promise<GridMemberType> {
    const member = await readableMember(ctx, this.service).load(ref.id);
    if (!member) throw MemberErrors.notFound(ref.id);
    return member;
  }
}

@Resolver(() => GridAssignmentType)
export class GridAssignmentResolver {
  constructor(
    private readonly service: MemberService,
    private readonly grids: GridService,
  ) {}

  @Access(RULES.gridMember.read)
  @ResolveField(() => GridMemberType, {
    nullable: true,
    description: 'Who; empty when you may not see them (someone who has left your grids, or works outside your areas).',
  })
  member(@Parent() a: GridAssignmentType, @Context() ctx: RequestContext): Promise<GridMemberType | null> {
    return readableMember(ctx, this.service).load(a.memberId);
  }

  @Access(RULES.grid.read)
  @ResolveField(() => GridType)
  async grid(@Parent() a: GridAssignmentType, @Context() ctx: RequestContext): Promise<GridType> {
    const grid = await ctx.loaders.get<string, GridType>('grid.byId', (ids) => this.grids.loadByIds(ids)).load(a.gridId);
    if (!canReadGrid(principalOf(ctx), grid)) throw GridErrors.notFound(a.gridId);
    return grid;
  }
}

@Resolver(() => GridType)
export class GridStaffResolver {
  constructor(private readonly service: MemberService) {}

  @Access(RULES.gridMember.read)
  @ResolveField(() => GridAssignmentConnection, { description: 'Who looks after the grid (or did), oldest first.' })
  assignments(
    @Parent() grid: GridType,
    @Context() ctx: RequestContext,
    @Args() args: AssignmentsArgs,
  ): Promise<Connection<GridAssignmentType>> {
    return assignmentsLoader(ctx, this.service, 'grid', args).load(grid.id);
  }

  @Access(RULES.gridMember.read)
  @ResolveField(() => GridMemberType, { nullable: true, description: 'The grid leader (网格长) now, when you may see them.' })
  async leader(@Parent() grid: GridType, @Context() ctx: RequestContext): Promise<GridMemberType | null> {
    if (!canReadGrid(principalOf(ctx), grid)) return null;
    const memberId = await ctx.loaders.get<string, string | null>('grid.leader', (ids) => this.service.loadLeaders(ids)).load(grid.id);
    return memberId ? readableMember(ctx, this.service).load(memberId) : null;
  }
}
