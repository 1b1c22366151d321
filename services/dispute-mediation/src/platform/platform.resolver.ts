import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import { Access, CurrentPrincipal, Principal, RULES } from '@civgrid/auth';
import { Connection, PageArgs, RequestContext } from '@civgrid/service-kit';
import {
  AddMediatorInput,
  AddRoomInput,
  CentresArgs,
  CommitteesArgs,
  CreateCentreInput,
  CreateCommitteeInput,
  SeatDepartmentsInput,
} from './platform.inputs';
import {
  CentreConnection,
  CentreType,
  CommitteeConnection,
  CommitteeType,
  DepartmentRef,
  MediatorConnection,
  MediatorType,
  RoomType,
} from './platform.type';
import { PlatformService } from './platform.service';

const byId = <T>(ctx: RequestContext, name: string, batch: (ids: readonly string[]) => Promise<(T | Error)[]>, id: string): Promise<T> =>
  ctx.loaders.get<string, T>(name, batch).load(id);

@Resolver(() => CommitteeType)
export class CommitteeResolver {
  constructor(private readonly service: PlatformService) {}

  @Access(RULES.mediationPlatform.read)
  @Query(() => CommitteeConnection, { description: 'Committees of your areas and those above them, district first, then by area.' })
  mediationCommittees(@CurrentPrincipal() principal: Principal, @Args() args: CommitteesArgs): Promise<Connection<CommitteeType>> {
    return this.service.committees(principal, args);
  }

  @Access(RULES.mediationPlatform.manage)
  @Mutation(() => CommitteeType)
  createMediationCommittee(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateCommitteeInput): Promise<CommitteeType> {
    return this.service.createCommittee(principal, input);
  }

  @Access(RULES.mediationPlatform.manage)
  @Mutation(() => MediatorType, { description: 'Adds a mediator to a committee, optionally with their own named room.' })
  addMediator(@CurrentPrincipal() principal: Principal, @Args('input') input: AddMediatorInput): Promise<MediatorType> {
    return this.service.addMediator(principal, input);
  }

  @Access(RULES.mediationPlatform.read)
  @ResolveField(() => MediatorConnection, { description: 'Its mediators, by name.' })
  mediators(@Parent() committee: CommitteeType, @Args() args: PageArgs, @Context() ctx: RequestContext): Promise<Connection<MediatorType>> {
    return ctx.loaders
      .get<string, Connection<MediatorType>>(`committee.mediators:${JSON.stringify([args.first, args.after ?? null])}`, (ids) =>
        this.service.loadMediatorsOfCommittees(ids, args),
      )
      .load(committee.id);
  }

  @Access(RULES.mediationPlatform.read)
  @ResolveField(() => [RoomType], { description: "The committee's own rooms, such as a mediator's named room." })
  rooms(@Parent() committee: CommitteeType, @Context() ctx: RequestContext): Promise<RoomType[]> {
    return ctx.loaders.get<string, RoomType[]>('owner.rooms', (ids) => this.service.loadRoomsOfOwners(ids)).load(committee.id);
  }

  @Access(RULES.mediationPlatform.read)
  @ResolveReference()
  resolveReference(ref: { id: string }, ctx: RequestContext): Promise<CommitteeType> {
    return byId(ctx, 'committee.byId', (ids) => this.service.loadCommittees(ids), ref.id);
  }
}

@Resolver(() => MediatorType)
export class MediatorResolver {
  constructor(private readonly service: PlatformService) {}

  @Access(RULES.mediationPlatform.read)
  @ResolveField(() => CommitteeType)
  committee(@Parent() mediator: MediatorType, @Context() ctx: RequestContext): Promise<CommitteeType> {
    return byId(ctx, 'committee.byId', (ids) => this.service.loadCommittees(ids), mediator.committeeId);
  }

  @Access(RULES.mediationPlatform.read)
  @ResolveField(() => RoomType, { nullable: true, description: 'Their own named room, e.g. "老王调解室".' })
  async room(@Parent() mediator: MediatorType, @Context() ctx: RequestContext): Promise<RoomType | null> {
    return mediator.roomId ? byId(ctx, 'room.byId', (ids) => this.service.loadRooms(ids), mediator.roomId) : null;
  }

  @Access(RULES.mediationPlatform.read)
  @ResolveReference()
  resolveReference(ref: { id: string }, ctx: RequestContext): Promise<MediatorType> {
    return byId(ctx, 'mediator.byId', (ids) => this.service.loadMediators(ids), ref.id);
  }
}

@Resolver(() => CentreType)
export class CentreResolver {
  constructor(private readonly service: PlatformService) {}

  @Access(RULES.mediationPlatform.read)
  @Query(() => CentreConnection, { description: 'Mediation centres of your areas and those above them, by area and name.' })
  mediationCentres(@CurrentPrincipal() principal: Principal, @Args() args: CentresArgs): Promise<Connection<CentreType>> {
    return this.service.centres(principal, args);
  }

  @Access(RULES.mediationPlatform.manage)
  @Mutation(() => CentreType)
  createMediationCentre(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateCentreInput): Promise<CentreType> {
    return this.service.createCentre(principal, input);
  }

  @Access(RULES.mediationPlatform.manage)
  @Mutation(() => CentreType, { description: 'Seats more departments in a centre.' })
  seatDepartments(@CurrentPrincipal() principal: Principal, @Args('input') input: SeatDepartmentsInput): Promise<CentreType> {
    return this.service.seatDepartments(principal, input);
  }

  @Access(RULES.mediationPlatform.manage)
  @Mutation(() => RoomType)
  addRoom(@CurrentPrincipal() principal: Principal, @Args('input') input: AddRoomInput): Promise<RoomType> {
    return this.service.addRoom(principal, input);
  }

  @Access(RULES.mediationPlatform.read)
  @ResolveField(() => [DepartmentRef], { description: 'The departments seated there.' })
  departments(@Parent() centre: CentreType): DepartmentRef[] {
    return centre.departmentIds.map((id) => ({ __typename: 'Department', id }));
  }

  @Access(RULES.mediationPlatform.read)
  @ResolveField(() => [RoomType])
  rooms(@Parent() centre: CentreType, @Context() ctx: RequestContext): Promise<RoomType[]> {
    return ctx.loaders.get<string, RoomType[]>('owner.rooms', (ids) => this.service.loadRoomsOfOwners(ids)).load(centre.id);
  }

  @Access(RULES.mediationPlatform.read)
  @ResolveReference()
  resolveReference(ref: { id: string }, ctx: RequestContext): Promise<CentreType> {
    return byId(ctx, 'centre.byId', (ids) => this.service.loadCentres(ids), ref.id);
  }
}

@Resolver(() => RoomType)
export class RoomResolver {
  constructor(private readonly service: PlatformService) {}

  @Access(RULES.mediationPlatform.read)
  @ResolveField(() => CentreType, { nullable: true })
  async centre(@Parent() room: RoomType, @Context() ctx: RequestContext): Promise<CentreType | null> {
    return room.centreId ? byId(ctx, 'centre.byId', (ids) => this.service.loadCentres(ids), room.centreId) : null;
  }

  @Access(RULES.mediationPlatform.read)
  @ResolveField(() => CommitteeType, { nullable: true, description: 'The committee whose own room this is.' })
  async committee(@Parent() room: RoomType, @Context() ctx: RequestContext): Promise<CommitteeType | null> {
    return room.committeeId ? byId(ctx, 'committee.byId', (ids) => this.service.loadCommittees(ids), room.committeeId) : null;
  }

  @Access(RULES.mediationPlatform.read)
  @ResolveReference()
  resolveReference(ref: { id: string }, ctx: RequestContext): Promise<RoomType> {
    return byId(ctx, 'room.byId', (ids) => this.service.loadRooms(ids), ref.id);
  }
}
