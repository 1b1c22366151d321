import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import { Access, CurrentPrincipal, FIELDS, Principal, principalOf, RULES } from '@civgrid/auth';
import { Connection, RequestContext } from '@civgrid/service-kit';
import { GridRef, gridStub } from '../dwelling/dto/grid-ref.type';
import { householdLoader } from '../household/household.resolver';
import { HouseholdService } from '../household/household.service';
import { HouseholdType } from '../household/dto/household.type';
import { ResidentService } from './resident.service';
import {
  AddResidentTagInput,
  ChangeResidentStatusInput,
  EndResidentTagInput,
  PurposeArgs,
  RecordResidentReturnedInput,
  RegisterResidentInput,
  ResidentArgs,
  ResidentByNationalIdArgs,
  ResidentsArgs,
  TransferResidentInput,
} from './dto/resident.inputs';
import { ResidentConnection, ResidentTagType, ResidentType } from './dto/resident.type';

export const residentLoader = (ctx: RequestContext, service: ResidentService) => {
  const principal = principalOf(ctx);
  return ctx.loaders.get<string, ResidentType>('resident.byId', (ids) => service.loadByIds(principal, ids));
};

@Resolver(() => ResidentType)
export class ResidentResolver {
  constructor(
    private readonly service: ResidentService,
    private readonly households: HouseholdService,
  ) {}

  @Access(RULES.registry.read)
  @Query(() => ResidentType)
  resident(@CurrentPrincipal() principal: Principal, @Args() { id }: ResidentArgs): Promise<ResidentType> {
    return this.service.byId(principal, id);
  }

  @Access(RULES.registry.read)
  @Query(() => ResidentType, { description: 'Finds a resident by national ID number (through its keyed hash); audited.' })
  residentByNationalId(@CurrentPrincipal() principal: Principal, @Args() args: ResidentByNationalIdArgs): Promise<ResidentType> {
    return this.service.byNationalId(principal, args.nationalId, args.purpose);
  }

  @Access(RULES.registry.write)
  @Mutation(() => ResidentType)
  registerResident(@CurrentPrincipal() principal: Principal, @Args('input') input: RegisterResidentInput): Promise<ResidentType> {
    return this.service.register(principal, input);
  }

  @Access(RULES.registry.write)
  @Mutation(() => ResidentType, { description: 'A resident moved out or died: they leave their household.' })
  changeResidentStatus(@CurrentPrincipal() principal: Principal, @Args('input') input: ChangeResidentStatusInput): Promise<ResidentType> {
    return this.service.changeStatus(principal, input);
  }

  @Access(RULES.registry.write)
  @Mutation(() => ResidentType, { description: 'A resident leaves one household and joins another.' })
  transferResident(@CurrentPrincipal() principal: Principal, @Args('input') input: TransferResidentInput): Promise<ResidentType> {
    return this.service.transfer(principal, input);
  }

  @Access(RULES.registry.write)
  @Mutation(() => ResidentType, {
    description: 'A resident who moved out has come back: active again, in the household named. Refused for a deceased resident.',
  })
  recordResidentReturned(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: RecordResidentReturnedInput,
  ): Promise<ResidentType> {
    return this.service.returned(principal, input);
  }

  @Access(RULES.registry.write)
  @Mutation(() => ResidentTagType)
  addResidentTag(@CurrentPrincipal() principal: Principal, @Args('input') input: AddResidentTagInput): Promise<ResidentTagType> {
    return this.service.addTag(principal, input);
  }

  @Access(RULES.registry.write)
  @Mutation(() => ResidentTagType)
  endResidentTag(@CurrentPrincipal() principal: Principal, @Args('input') input: EndResidentTagInput): Promise<ResidentTagType> {
    return this.service.endTag(principal, input);
  }

  @Access(FIELDS.registry.nationalId)
  @ResolveField(() => String, {
    description: 'Masked (3709**********1234) unless your role needs it and you state a purpose; unmasked reads are audited.',
  })
  nationalId(@Parent() resident: ResidentType, @Args() { purpose }: PurposeArgs, @Context() ctx: RequestContext): Promise<string | null> {
    return this.personal(ctx, 'nationalId', resident, purpose);
  }

  @Access(FIELDS.registry.phone)
  @ResolveField(() => String, {
    nullable: true,
    description: 'Masked (138****5678) unless your role needs it and you state a purpose; unmasked reads are audited.',
  })
  phone(@Parent() resident: ResidentType, @Args() { purpose }: PurposeArgs, @Context() ctx: RequestContext): Promise<string | null> {
    return this.personal(ctx, 'phone', resident, purpose);
  }

  private personal(
    ctx: RequestContext,
    field: 'nationalId' | 'phone',
    resident: ResidentType,
    purpose: string | undefined,
  ): Promise<string | null> {
    const principal = principalOf(ctx);
    // One loader per field and purpose: a page of residents costs one audit insert.
    return ctx.loaders
      .get<ResidentType, string | null>(`resident.${field}:${purpose ?? ''}`, (batch) =>
        this.service.personalField(principal, field, batch, purpose),
      )
      .load(resident);
  }

  @Access(FIELDS.registry.tags)
  @ResolveField(() => [ResidentTagType], {
    nullable: true,
    description: 'Key-population tags: grid members, community officers and admins only.',
  })
  tags(@Parent() resident: ResidentType, @Context() ctx: RequestContext): Promise<ResidentTagType[]> {
    const principal = principalOf(ctx);
    return ctx.loaders.get<string, ResidentTagType[]>('resident.tags', (ids) => this.service.loadTags(principal, ids)).load(resident.id);
  }

  @Access(RULES.registry.read)
  @ResolveField(() => HouseholdType)
  household(@Parent() resident: ResidentType, @Context() ctx: RequestContext): Promise<HouseholdType> {
    return householdLoader(ctx, this.households).load(resident.householdId);
  }

  @Access(RULES.registry.read)
  @ResolveField(() => GridRef)
  grid(@Parent() resident: ResidentType): GridRef {
    return gridStub(resident.gridId);
  }

  @Access(RULES.registry.read)
  @ResolveReference()
  resolveReference(ref: { id: string }, ctx: RequestContext): Promise<ResidentType> {
    return residentLoader(ctx, this.service).load(ref.id);
  }
}

@Resolver(() => HouseholdType)
export class HouseholdMembersResolver {
  constructor(private readonly service: ResidentService) {}

  @Access(RULES.registry.read)
  @ResolveField(() => [ResidentType], { description: 'Current members, in the order they were registered.' })
  members(@Parent() household: HouseholdType, @Context() ctx: RequestContext): Promise<ResidentType[]> {
    return ctx.loaders.get<string, ResidentType[]>('household.members', (ids) => this.service.loadMembers(ids)).load(household.id);
  }

  @Access(RULES.registry.read)
  @ResolveField(() => ResidentType, { nullable: true })
  head(@Parent() household: HouseholdType, @Context() ctx: RequestContext): Promise<ResidentType> | null {
    return household.headResidentId ? residentLoader(ctx, this.service).load(household.headResidentId) : null;
  }
}

@Resolver(() => GridRef)
export class GridResidentsResolver {
  constructor(private readonly service: ResidentService) {}

  @Access(RULES.registry.read)
  @ResolveField(() => ResidentConnection, { description: 'Residents of this grid, in the order they were registered, with filters.' })
  residents(@Parent() grid: GridRef, @Args() args: ResidentsArgs, @Context() ctx: RequestContext): Promise<Connection<ResidentType>> {
    const principal = principalOf(ctx);
    // One loader per argument shape: a batch of grids asking for the same page costs one statement.
    const key = JSON.stringify([args.first, args.after, args.tag, args.status, args.minAge, args.maxAge]);
    return ctx.loaders
      .get<string, Connection<ResidentType>>(`resident.byGrid:${key}`, (ids) => this.service.loadPagesByGrid(principal, ids, args))
      .load(grid.id);
  }
}
