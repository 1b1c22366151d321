import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import { CurrentPrincipal, Principal, principalOf, Roles } from '@civgrid/auth';
import { Connection, RequestContext } from '@civgrid/service-kit';
import { IncidentErrors } from './incident.errors';
import { canReadIncident, INCIDENT_REPORTERS, IncidentService } from './incident.service';
import { GridIncidentsArgs, IncidentArgs, IncidentsArgs, ReportIncidentInput } from './dto/incident.inputs';
import { IncidentConnection, IncidentType } from './dto/incident.type';
import { GridRef } from './dto/grid-ref.type';

@Resolver(() => IncidentType)
export class IncidentResolver {
  constructor(private readonly service: IncidentService) {}

  @Query(() => IncidentType)
  incident(@CurrentPrincipal() principal: Principal, @Args() { id }: IncidentArgs): Promise<IncidentType> {
    return this.service.byId(principal, id);
  }

  @Query(() => IncidentConnection, { description: 'Incidents you may see, newest first; one grid with gridId.' })
  incidents(@CurrentPrincipal() principal: Principal, @Args() args: IncidentsArgs): Promise<Connection<IncidentType>> {
    return this.service.list(principal, args);
  }

  @Mutation(() => IncidentType, { description: 'Reports an incident in a grid. Safe to retry with the same idempotencyKey.' })
  @Roles(...INCIDENT_REPORTERS)
  reportIncident(@CurrentPrincipal() principal: Principal, @Args('input') input: ReportIncidentInput): Promise<IncidentType> {
    return this.service.report(principal, input);
  }

  @ResolveField(() => GridRef, { description: 'The grid where it happened.' })
  grid(@Parent() incident: IncidentType): GridRef {
    return { __typename: 'Grid', id: incident.gridId };
  }

  @ResolveReference()
  async resolveReference(ref: { id: string }, ctx: RequestContext): Promise<IncidentType> {
    const incident = await ctx.loaders.get<string, IncidentType>('incident.byId', (ids) => this.service.loadByIds(ids)).load(ref.id);
    if (!canReadIncident(principalOf(ctx), incident)) throw IncidentErrors.notFound(ref.id);
    return incident;
  }
}

@Resolver(() => GridRef)
export class GridIncidentsResolver {
  constructor(private readonly service: IncidentService) {}

  @ResolveField(() => IncidentConnection, { description: 'Incidents reported in this grid that you may see, newest first.' })
  incidents(@Parent() grid: GridRef, @Args() args: GridIncidentsArgs, @Context() ctx: RequestContext): Promise<Connection<IncidentType>> {
    const principal = principalOf(ctx);
    // One loader per distinct page request: N grids asking for the same page cost one statement.
    const name = `incident.byGrid:${args.status ?? '*'}:${args.first}:${args.after ?? ''}`;
    return ctx.loaders.get<string, Connection<IncidentType>>(name, (ids) => this.service.loadByGrids(principal, ids, args)).load(grid.id);
  }

  @ResolveReference()
  resolveReference(ref: { id: string }): GridRef {
    return { __typename: 'Grid', id: ref.id };
  }
}
