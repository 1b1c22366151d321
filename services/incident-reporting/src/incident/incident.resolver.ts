import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import { Access, CurrentPrincipal, FIELDS, Principal, principalOf, RULES } from '@civgrid/auth';
import { Connection, RequestContext } from '@civgrid/service-kit';
import { PhotoService, PhotoView } from '../photo/photo.service';
import { Taxonomy, TAXONOMY } from '../taxonomy/taxonomy';
import { IncidentReadsService } from './incident-reads.service';
import { IncidentService } from './incident.service';
import { leadsGrid } from './grid-leaders';
import { allowedActions, mayActAsGridLeader, WorkflowAction } from './incident.workflow';
import {
  AssignIncidentInput,
  EscalateIncidentInput,
  GridIncidentsArgs,
  IncidentArgs,
  IncidentsArgs,
  IncidentStepInput,
  RejectIncidentInput,
  ReportIncidentInput,
  ResolvedInTheBudArgs,
} from './dto/incident.inputs';
import {
  CategoryDefinitionType,
  DwellingRef,
  IncidentConnection,
  IncidentTimelineEntryType,
  IncidentType,
  PhotoType,
  ResolvedInTheBudType,
} from './dto/incident.type';
import { GridRef } from './dto/grid-ref.type';
import { ResidentRef } from './dto/refs.type';

// Every workflow mutation documents the one exception to "an illegal transition changes nothing and says CONFLICT".
const RETRY =
  ' Repeating the step you took last (a retry after a lost answer) returns the incident as it is, adding nothing to the timeline; ' +
  'the same step by anyone else, or after another step, is refused with CONFLICT (ILLEGAL_TRANSITION).';

const pageKey = (args: GridIncidentsArgs) => `${args.status ?? '*'}:${String(args.open ?? '*')}:${args.first}:${args.after ?? ''}`;

/** Incidents as the reader may see them (one statement a batch); others are not found. */
export const incidentLoader = (ctx: RequestContext, reads: IncidentReadsService) => {
  const principal = principalOf(ctx);
  return ctx.loaders.get<string, IncidentType>('incident.readable', (ids) => reads.loadByIds(principal, ids));
};

@Resolver(() => IncidentType)
export class IncidentResolver {
  constructor(
    private readonly service: IncidentService,
    private readonly reads: IncidentReadsService,
    private readonly photoService: PhotoService,
    @Inject(TAXONOMY) private readonly taxonomy: Taxonomy,
  ) {}

  @Access(RULES.incident.read)
  @Query(() => IncidentType)
  incident(@CurrentPrincipal() principal: Principal, @Args() { id }: IncidentArgs): Promise<IncidentType> {
    return this.reads.byId(principal, id);
  }

  @Access(RULES.incident.read)
  @Query(() => IncidentConnection, { description: 'Incidents you may see, newest first; one grid with gridId.' })
  incidents(@CurrentPrincipal() principal: Principal, @Args() args: IncidentsArgs): Promise<Connection<IncidentType>> {
    return this.reads.list(principal, args);
  }

  @Access(RULES.taxonomy.read)
  @Query(() => [CategoryDefinitionType], { description: 'The category taxonomy with subcategories and service levels.' })
  incidentCategories(): CategoryDefinitionType[] {
    return [...this.taxonomy.values()].map((c) => ({ ...c, category: c.category }));
  }

  @Access(RULES.statistics.read)
  @Query(() => ResolvedInTheBudType, {
    description: 'The share of incidents resolved at grid level, without escalation, in an area and period.',
  })
  resolvedInTheBud(@CurrentPrincipal() principal: Principal, @Args() args: ResolvedInTheBudArgs): Promise<ResolvedInTheBudType> {
    return this.reads.resolvedInTheBud(principal, args);
  }

  @Access(RULES.incident.report)
  @Mutation(() => IncidentType, { description: 'Reports an incident in a grid. Safe to retry with the same idempotencyKey.' })
  reportIncident(@CurrentPrincipal() principal: Principal, @Args('input') input: ReportIncidentInput): Promise<IncidentType> {
    return this.service.report(principal, input);
  }

  @Access(RULES.incident.accept)
  @Mutation(() => IncidentType, { description: `REPORTED → ACCEPTED (community, town or district officer of the area).${RETRY}` })
  acceptIncident(@CurrentPrincipal() p: Principal, @Args('input') input: IncidentStepInput): Promise<IncidentType> {
    return this.step(p, 'ACCEPT', input);
  }

  @Access(RULES.incident.work)
  @Mutation(() => IncidentType, { description: `ACCEPTED → IN_PROGRESS (the grid's member or an officer of the area).${RETRY}` })
  startIncidentWork(@CurrentPrincipal() p: Principal, @Args('input') input: IncidentStepInput): Promise<IncidentType> {
    return this.step(p, 'START', input);
  }

  @Access(RULES.incident.work)
  @Mutation(() => IncidentType, { description: `IN_PROGRESS → RESOLVED (the grid's member or an officer of the area).${RETRY}` })
  resolveIncident(@CurrentPrincipal() p: Principal, @Args('input') input: IncidentStepInput): Promise<IncidentType> {
    return this.step(p, 'RESOLVE', input);
  }

  @Access(RULES.incident.verify)
  @Mutation(() => IncidentType, {
    description:
      'RESOLVED → CLOSED: the fix was verified by the reporter or by the grid leader (网格长) of the grid or of a grid above it, ' +
      'as grid organisation assigns them; any community, town or district officer whose areas hold the grid may close as well.' +
      RETRY,
  })
  closeIncident(@CurrentPrincipal() p: Principal, @Args('input') input: IncidentStepInput): Promise<IncidentType> {
    return this.step(p, 'CLOSE', input);
  }

  @Access(RULES.incident.verify)
  @Mutation(() => IncidentType, {
    description: `RESOLVED → IN_PROGRESS: the fix did not hold (the reporter, the grid leader or an officer of the area).${RETRY}`,
  })
  reopenIncident(@CurrentPrincipal() p: Principal, @Args('input') input: IncidentStepInput): Promise<IncidentType> {
    return this.step(p, 'REOPEN', input);
  }

  @Access(RULES.incident.accept)
  @Mutation(() => IncidentType, {
    description: `REPORTED or ACCEPTED → REJECTED, with a reason the reporter sees (an officer of the area).${RETRY}`,
  })
  rejectIncident(@CurrentPrincipal() p: Principal, @Args('input') input: RejectIncidentInput): Promise<IncidentType> {
    return this.service.transition(p, 'REJECT', input.id, null, input.reason);
  }

  @Access(RULES.incident.accept)
  @Mutation(() => IncidentType, { description: 'Names who is responsible for an open incident.' })
  assignIncident(@CurrentPrincipal() p: Principal, @Args('input') input: AssignIncidentInput): Promise<IncidentType> {
    return this.service.assign(p, input);
  }

  @Access(RULES.incident.work)
  @Mutation(() => IncidentType, {
    description: 'Moves an open incident up one level (grid → village → town → district), optionally as a dispute for mediation.',
  })
  escalateIncident(@CurrentPrincipal() p: Principal, @Args('input') input: EscalateIncidentInput): Promise<IncidentType> {
    return this.service.escalate(p, input);
  }

  @Access(RULES.incident.read)
  @ResolveField(() => GridRef, { description: 'The grid where it happened.' })
  grid(@Parent() incident: IncidentType): GridRef {
    return { __typename: 'Grid', id: incident.gridId };
  }

  @Access(FIELDS.incident.people)
  @ResolveField(() => ResidentRef, { nullable: true, description: 'The resident who told of it, if a resident did.' })
  reporterResident(@Parent() incident: IncidentType): ResidentRef | null {
    return incident.reporterResidentId ? { __typename: 'Resident', id: incident.reporterResidentId } : null;
  }

  @Access(FIELDS.incident.people)
  @ResolveField(() => ResidentRef, {
    nullable: true,
    description: 'Whom it is about: for a care alert, the resident to visit (the population registry says who and where).',
  })
  subjectResident(@Parent() incident: IncidentType): ResidentRef | null {
    return incident.subjectResidentId ? { __typename: 'Resident', id: incident.subjectResidentId } : null;
  }

  @Access(FIELDS.incident.words)
  @ResolveField(() => [PhotoType], { nullable: true, description: 'Null for analysts: photos show people.' })
  async photos(@Parent() incident: IncidentType, @Context() ctx: RequestContext): Promise<PhotoView[]> {
    if (incident.photoIds.length === 0) return [];
    const loader = ctx.loaders.get<string, PhotoView>('photo.byId', (ids) => this.photoService.loadByIds(ids));
    return (await loader.loadMany(incident.photoIds)).filter((p): p is PhotoView => !(p instanceof Error));
  }

  @Access(RULES.incident.read)
  @ResolveField(() => [IncidentTimelineEntryType], { description: 'Every step, oldest first.' })
  timeline(@Parent() incident: IncidentType, @Context() ctx: RequestContext): Promise<IncidentTimelineEntryType[]> {
    return ctx.loaders
      .get<string, IncidentTimelineEntryType[]>('incident.timeline', (ids) => this.reads.loadTimelines(ids))
      .load(incident.id);
  }

  @Access(RULES.incident.read)
  @ResolveField(() => [String], { description: 'The workflow steps you may take now (ACCEPT, START, RESOLVE, CLOSE, REJECT, REOPEN).' })
  async allowedActions(@Parent() incident: IncidentType, @Context() ctx: RequestContext): Promise<WorkflowAction[]> {
    const principal = principalOf(ctx);
    // Whom the caller leads is asked once a request, and only of someone without an officer's role.
    const led = mayActAsGridLeader(principal)
      ? await ctx.loaders.get<string, string[]>('incident.ledPaths', (users) => this.reads.ledPaths(users)).load(principal.userId)
      : [];
    return allowedActions(incident.status, principal, incident.reportedBy, leadsGrid(led, incident.gridPath));
  }

  @Access(RULES.incident.read)
  @ResolveReference()
  resolveReference(ref: { id: string }, ctx: RequestContext): Promise<IncidentType> {
    return incidentLoader(ctx, this.reads).load(ref.id);
  }

  private step(principal: Principal, action: WorkflowAction, input: IncidentStepInput): Promise<IncidentType> {
    return this.service.transition(principal, action, input.id, input.note ?? null);
  }
}

@Resolver(() => GridRef)
export class GridIncidentsResolver {
  constructor(private readonly reads: IncidentReadsService) {}

  @Access(RULES.incident.read)
  @ResolveField(() => IncidentConnection, { description: 'Incidents reported in this grid that you may see, newest first.' })
  incidents(@Parent() grid: GridRef, @Args() args: GridIncidentsArgs, @Context() ctx: RequestContext): Promise<Connection<IncidentType>> {
    const principal = principalOf(ctx);
    // One loader per distinct page request: N grids asking for the same page cost one statement.
    return ctx.loaders
      .get<string, Connection<IncidentType>>(`incident.byGrid:${pageKey(args)}`, (ids) =>
        this.reads.loadByKeys(principal, 'grid_id', ids, args),
      )
      .load(grid.id);
  }

  @Access(RULES.grid.read)
  @ResolveReference()
  resolveReference(ref: { id: string }): GridRef {
    return { __typename: 'Grid', id: ref.id };
  }
}

@Resolver(() => ResidentRef)
export class ResidentIncidentsResolver {
  constructor(private readonly reads: IncidentReadsService) {}

  @Access(RULES.incident.read)
  @ResolveField(() => IncidentConnection, { description: 'Incidents this resident told of that you may see, newest first.' })
  reportedIncidents(
    @Parent() resident: ResidentRef,
    @Args() args: GridIncidentsArgs,
    @Context() ctx: RequestContext,
  ): Promise<Connection<IncidentType>> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<string, Connection<IncidentType>>(`incident.byResident:${pageKey(args)}`, (ids) =>
        this.reads.loadByKeys(principal, 'reporter_resident_id', ids, args),
      )
      .load(resident.id);
  }

  @Access(RULES.registry.read)
  @ResolveReference()
  resolveReference(ref: { id: string }): ResidentRef {
    return { __typename: 'Resident', id: ref.id };
  }
}

/** A dwelling is population-registry's: here it is only pointed at, from an incident's location. */
@Resolver(() => DwellingRef)
export class DwellingRefResolver {
  @Access(RULES.registry.read)
  @ResolveReference()
  resolveReference(ref: { id: string }): DwellingRef {
    return { __typename: 'Dwelling', id: ref.id };
  }
}
