import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import { Access, CurrentPrincipal, Principal, principalOf, RULES } from '@civgrid/auth';
import { Connection, RequestContext } from '@civgrid/service-kit';
import { IncidentReadsService } from '../incident/incident-reads.service';
import { incidentLoader } from '../incident/incident.resolver';
import { IncidentType } from '../incident/dto/incident.type';
import { BlowWhistleInput, ReportToWhistleInput, WhistleArgs, WhistlesArgs } from './whistle.inputs';
import { WhistleService } from './whistle.service';
import { DepartmentRef, WhistleConnection, WhistleType } from './whistle.type';

const pageKey = (args: WhistlesArgs) => `${String(args.pending ?? '*')}:${args.first}:${args.after ?? ''}`;

@Resolver(() => WhistleType)
export class WhistleResolver {
  constructor(
    private readonly service: WhistleService,
    private readonly incidents: IncidentReadsService,
  ) {}

  @Access(RULES.whistle.read)
  @Query(() => WhistleType)
  whistle(@CurrentPrincipal() principal: Principal, @Args() { id }: WhistleArgs): Promise<WhistleType> {
    return this.service.byId(principal, id);
  }

  @Access(RULES.whistle.read)
  @Query(() => WhistleConnection, {
    description: "Whistles you may see, newest first; a department officer's are those addressed to their department.",
  })
  whistles(@CurrentPrincipal() principal: Principal, @Args() args: WhistlesArgs): Promise<Connection<WhistleType>> {
    return this.service.list(principal, args);
  }

  @Access(RULES.whistle.blow)
  @Mutation(() => WhistleType, { description: '吹哨: summons departments to an open incident, each to report by dueAt.' })
  blowWhistle(@CurrentPrincipal() principal: Principal, @Args('input') input: BlowWhistleInput): Promise<WhistleType> {
    return this.service.blow(principal, input);
  }

  @Access(RULES.whistle.report)
  @Mutation(() => WhistleType, { description: '报到: your department reports to a whistle (late if after its deadline). Safe to retry.' })
  reportToWhistle(@CurrentPrincipal() principal: Principal, @Args('input') input: ReportToWhistleInput): Promise<WhistleType> {
    return this.service.report(principal, input);
  }

  // A summoned department reaches the incident too (the incident rule's `department` reach).
  @Access(RULES.incident.read)
  @ResolveField(() => IncidentType)
  incident(@Parent() whistle: WhistleType, @Context() ctx: RequestContext): Promise<IncidentType> {
    return incidentLoader(ctx, this.incidents).load(whistle.incidentId);
  }

  @Access(RULES.whistle.read)
  @ResolveReference()
  resolveReference(ref: { id: string }, ctx: RequestContext): Promise<WhistleType> {
    const principal = principalOf(ctx);
    return ctx.loaders.get<string, WhistleType>('whistle.byId', (ids) => this.service.loadByIds(principal, ids)).load(ref.id);
  }
}

@Resolver(() => IncidentType)
export class IncidentWhistlesResolver {
  constructor(private readonly service: WhistleService) {}

  @Access(RULES.whistle.read)
  @ResolveField(() => [WhistleType], { description: 'Departments summoned to it, oldest whistle first.' })
  whistles(@Parent() incident: IncidentType, @Context() ctx: RequestContext): Promise<WhistleType[]> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<string, WhistleType[]>('whistle.byIncident', (ids) => this.service.loadByIncidents(principal, ids))
      .load(incident.id);
  }
}

@Resolver(() => DepartmentRef)
export class DepartmentWhistlesResolver {
  constructor(private readonly service: WhistleService) {}

  @Access(RULES.whistle.read)
  @ResolveField(() => WhistleConnection, { description: 'Whistles addressed to this department that you may see, newest first.' })
  whistles(
    @Parent() department: DepartmentRef,
    @Args() args: WhistlesArgs,
    @Context() ctx: RequestContext,
  ): Promise<Connection<WhistleType>> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<string, Connection<WhistleType>>(`whistle.byDepartment:${pageKey(args)}`, (ids) =>
        this.service.loadByDepartments(principal, ids, args),
      )
      .load(department.id);
  }

  @Access(RULES.department.read)
  @ResolveReference()
  resolveReference(ref: { id: string }): DepartmentRef {
    return { __typename: 'Department', id: ref.id };
  }
}
