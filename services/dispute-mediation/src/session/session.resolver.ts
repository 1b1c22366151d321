import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import { Access, CurrentPrincipal, Principal, principalOf, RULES } from '@civgrid/auth';
import { Connection, RequestContext } from '@civgrid/service-kit';
import { DisputeService } from '../dispute/dispute.service';
import { disputeLoader } from '../dispute/dispute.resolver';
import { DisputeType } from '../dispute/dto/dispute.type';
import { CommitteeType, DepartmentRef, MediatorType, RoomType } from '../platform/platform.type';
import { PlatformService } from '../platform/platform.service';
import { CancelSessionInput, RecordSessionInput, ScheduleSessionInput, SessionPageArgs, SessionsArgs } from './dto/session.inputs';
import { AttendanceCountsType, SessionConnection, SessionType } from './dto/session.type';
import { IdArgs } from '../platform/platform.inputs';
import { SessionService } from './session.service';

/** One loader per argument set: every key of a request asking the same page shares one statement. */
const pageLoaderName = (prefix: string, args: SessionPageArgs): string =>
  `${prefix}:${JSON.stringify([args.first, args.after ?? null, args.from ?? null, args.to ?? null])}`;

@Resolver(() => SessionType)
export class SessionResolver {
  constructor(
    private readonly service: SessionService,
    private readonly platform: PlatformService,
    private readonly disputes: DisputeService,
  ) {}

  @Access(RULES.dispute.read)
  @Query(() => SessionType)
  mediationSession(@CurrentPrincipal() principal: Principal, @Args() { id }: IdArgs): Promise<SessionType> {
    return this.service.byId(principal, id);
  }

  @Access(RULES.dispute.read)
  @Query(() => SessionConnection, {
    description: 'Sessions you may see (department officers: those their department takes part in), earliest first.',
  })
  mediationSessions(@CurrentPrincipal() principal: Principal, @Args() args: SessionsArgs): Promise<Connection<SessionType>> {
    return this.service.list(principal, args);
  }

  @Access(RULES.dispute.act)
  @Mutation(() => SessionType, {
    description: 'Books a room for a session; refused with CONFLICT when the room is taken for any part of that time.',
  })
  scheduleMediationSession(@CurrentPrincipal() principal: Principal, @Args('input') input: ScheduleSessionInput): Promise<SessionType> {
    return this.service.schedule(principal, input);
  }

  @Access(RULES.dispute.act)
  @Mutation(() => SessionType, { description: 'Records the minutes and attendance of a session that took place.' })
  recordMediationSession(@CurrentPrincipal() principal: Principal, @Args('input') input: RecordSessionInput): Promise<SessionType> {
    return this.service.record(principal, input);
  }

  @Access(RULES.dispute.act)
  @Mutation(() => SessionType, { description: 'Cancels a booked session and frees the room.' })
  cancelMediationSession(@CurrentPrincipal() principal: Principal, @Args('input') input: CancelSessionInput): Promise<SessionType> {
    return this.service.cancel(principal, input);
  }

  @Access(RULES.dispute.read)
  @ResolveField(() => AttendanceCountsType, { description: 'How many parties came and how many did not (none until held).' })
  attendanceCounts(@Parent() session: SessionType): AttendanceCountsType {
    return this.service.attendanceCounts(session);
  }

  @Access(RULES.dispute.read)
  @ResolveField(() => RoomType)
  room(@Parent() session: SessionType, @Context() ctx: RequestContext): Promise<RoomType> {
    return ctx.loaders.get<string, RoomType>('room.byId', (ids) => this.platform.loadRooms(ids)).load(session.roomId);
  }

  @Access(RULES.dispute.read)
  @ResolveField(() => [MediatorType])
  async mediators(@Parent() session: SessionType, @Context() ctx: RequestContext): Promise<MediatorType[]> {
    const loader = ctx.loaders.get<string, MediatorType>('mediator.byId', (ids) => this.platform.loadMediators(ids));
    return (await loader.loadMany(session.mediatorIds)).filter((m): m is MediatorType => !(m instanceof Error));
  }

  @Access(RULES.dispute.read)
  @ResolveField(() => [DepartmentRef], { description: 'The departments taking part.' })
  departments(@Parent() session: SessionType): DepartmentRef[] {
    return session.departmentIds.map((id) => ({ __typename: 'Department', id }));
  }

  @Access(RULES.dispute.read)
  @ResolveField(() => DisputeType, {
    nullable: true,
    description: 'The dispute, when you may see it (a department officer: those it takes part in).',
  })
  async dispute(@Parent() session: SessionType, @Context() ctx: RequestContext): Promise<DisputeType | null> {
    const [dispute] = await disputeLoader(ctx, this.disputes).loadMany([session.disputeId]);
    return dispute instanceof Error ? null : dispute;
  }

  @Access(RULES.dispute.read)
  @ResolveReference()
  resolveReference(ref: { id: string }, ctx: RequestContext): Promise<SessionType> {
    const principal = principalOf(ctx);
    return ctx.loaders.get<string, SessionType>('session.byId', (ids) => this.service.loadByIds(principal, ids)).load(ref.id);
  }
}

@Resolver(() => DisputeType)
export class DisputeSessionsResolver {
  constructor(
    private readonly service: SessionService,
    private readonly platform: PlatformService,
  ) {}

  @Access(RULES.dispute.read)
  @ResolveField(() => SessionConnection, { description: 'Its sessions you may see, earliest first.' })
  sessions(
    @Parent() dispute: DisputeType,
    @Args() args: SessionPageArgs,
    @Context() ctx: RequestContext,
  ): Promise<Connection<SessionType>> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<string, Connection<SessionType>>(pageLoaderName('dispute.sessions', args), (ids) =>
        this.service.loadByDisputes(principal, ids, args),
      )
      .load(dispute.id);
  }

  @Access(RULES.dispute.read)
  @ResolveField(() => CommitteeType, { nullable: true, description: 'The committee that accepted it at its current level.' })
  committee(@Parent() dispute: DisputeType, @Context() ctx: RequestContext): Promise<CommitteeType | null> | null {
    return dispute.committeeId
      ? ctx.loaders.get<string, CommitteeType>('committee.byId', (ids) => this.platform.loadCommittees(ids)).load(dispute.committeeId)
      : null;
  }
}

@Resolver(() => DepartmentRef)
export class DepartmentSessionsResolver {
  constructor(private readonly service: SessionService) {}

  @Access(RULES.dispute.read)
  @ResolveField(() => SessionConnection, { description: 'Mediation sessions this department takes part in, earliest first.' })
  mediationSessions(
    @Parent() department: DepartmentRef,
    @Args() args: SessionPageArgs,
    @Context() ctx: RequestContext,
  ): Promise<Connection<SessionType>> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<string, Connection<SessionType>>(pageLoaderName('department.sessions', args), (ids) =>
        this.service.loadByDepartments(principal, ids, args),
      )
      .load(department.id);
  }

  @Access(RULES.department.read)
  @ResolveReference()
  resolveReference(ref: { id: string }): DepartmentRef {
    return { id: ref.id };
  }
}
