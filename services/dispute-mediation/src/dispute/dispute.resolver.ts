import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import { Access, CurrentPrincipal, FIELDS, Principal, principalOf, RULES } from '@civgrid/auth';
import { Connection, RequestContext } from '@civgrid/service-kit';
import { DisputeStepsService } from './dispute-steps.service';
import { DisputeService } from './dispute.service';
import {
  DisputeArgs,
  DisputesArgs,
  DisputeStepInput,
  EscalateDisputeInput,
  GridDisputesArgs,
  RecordAgreementInput,
  RecordFollowUpInput,
  RecordJudicialConfirmationInput,
  ReferDisputeInput,
  RegisterDisputeInput,
} from './dto/dispute.inputs';
import { AgreementType, DisputeConnection, DisputePartyType, DisputeStepType, DisputeType, FollowUpType } from './dto/dispute.type';
import { GridRef } from './dto/grid-ref.type';
import { IncidentRef, ResidentRef } from './dto/refs.type';

/** One loader per argument set: every key of a request asking the same page shares one statement. */
const pageLoaderName = (prefix: string, args: GridDisputesArgs): string =>
  `${prefix}:${JSON.stringify([args.status ?? null, args.open ?? null, args.level ?? null, args.kind ?? null, args.first, args.after ?? null])}`;

/** Disputes as the reader may see them (one statement a batch); others are not found. */
export const disputeLoader = (ctx: RequestContext, service: DisputeService) => {
  const principal = principalOf(ctx);
  return ctx.loaders.get<string, DisputeType>('dispute.readable', (ids) => service.loadByIds(principal, ids));
};

@Resolver(() => DisputeType)
export class DisputeResolver {
  constructor(
    private readonly service: DisputeService,
    private readonly steps: DisputeStepsService,
  ) {}

  @Access(RULES.dispute.read)
  @Query(() => DisputeType)
  dispute(@CurrentPrincipal() principal: Principal, @Args() { id }: DisputeArgs): Promise<DisputeType> {
    return this.service.byId(principal, id);
  }

  @Access(RULES.dispute.read)
  @Query(() => DisputeConnection, { description: 'Disputes in your areas, newest first.' })
  disputes(@CurrentPrincipal() principal: Principal, @Args() args: DisputesArgs): Promise<Connection<DisputeType>> {
    return this.service.list(principal, args);
  }

  @Access(RULES.dispute.register)
  @Mutation(() => DisputeType, {
    description: 'Registers a dispute in a grid, at village or community level unless `level` says otherwise.',
  })
  registerDispute(@CurrentPrincipal() principal: Principal, @Args('input') input: RegisterDisputeInput): Promise<DisputeType> {
    return this.service.register(principal, input);
  }

  @Access(RULES.dispute.act)
  @Mutation(() => DisputeType, { description: "The committee of the dispute's level takes it on (REGISTERED → ACCEPTED)." })
  acceptDispute(@CurrentPrincipal() principal: Principal, @Args('input') input: DisputeStepInput): Promise<DisputeType> {
    return this.steps.accept(principal, input);
  }

  @Access(RULES.dispute.act)
  @Mutation(() => DisputeType, { description: 'Sends the dispute up one level (village → town → district), with a reason.' })
  escalateDispute(@CurrentPrincipal() principal: Principal, @Args('input') input: EscalateDisputeInput): Promise<DisputeType> {
    return this.steps.escalate(principal, input);
  }

  @Access(RULES.dispute.act)
  @Mutation(() => DisputeType, { description: 'The parties signed a mediated agreement (IN_MEDIATION → AGREEMENT_REACHED).' })
  recordAgreement(@CurrentPrincipal() principal: Principal, @Args('input') input: RecordAgreementInput): Promise<DisputeType> {
    return this.steps.recordAgreement(principal, input);
  }

  @Access(RULES.dispute.act)
  @Mutation(() => DisputeType, { description: 'Judicial confirmation of the agreement: requested, then granted or refused by the court.' })
  recordJudicialConfirmation(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: RecordJudicialConfirmationInput,
  ): Promise<DisputeType> {
    return this.steps.recordJudicialConfirmation(principal, input);
  }

  @Access(RULES.dispute.act)
  @Mutation(() => DisputeType, { description: 'Mediation could not settle it (IN_MEDIATION → MEDIATION_FAILED).' })
  recordMediationFailure(@CurrentPrincipal() principal: Principal, @Args('input') input: DisputeStepInput): Promise<DisputeType> {
    return this.steps.recordFailure(principal, input);
  }

  @Access(RULES.dispute.act)
  @Mutation(() => DisputeType, { description: 'Sends the dispute to arbitration or to court.' })
  referDispute(@CurrentPrincipal() principal: Principal, @Args('input') input: ReferDisputeInput): Promise<DisputeType> {
    return this.steps.refer(principal, input);
  }

  @Access(RULES.dispute.act)
  @Mutation(() => DisputeType, { description: 'The parties withdrew it; booked sessions are cancelled.' })
  withdrawDispute(@CurrentPrincipal() principal: Principal, @Args('input') input: DisputeStepInput): Promise<DisputeType> {
    return this.steps.withdraw(principal, input);
  }

  @Access(RULES.dispute.act)
  @Mutation(() => DisputeType, { description: 'Closes a dispute after an agreement or a failure; the incident it came from is resolved.' })
  closeDispute(@CurrentPrincipal() principal: Principal, @Args('input') input: DisputeStepInput): Promise<DisputeType> {
    return this.steps.close(principal, input);
  }

  @Access(RULES.dispute.act)
  @Mutation(() => DisputeType, { description: 'A follow-up visit after an agreement: was it honoured?' })
  recordFollowUp(@CurrentPrincipal() principal: Principal, @Args('input') input: RecordFollowUpInput): Promise<DisputeType> {
    return this.steps.recordFollowUp(principal, input);
  }

  @Access(RULES.dispute.read)
  @ResolveField(() => GridRef, { description: 'The grid where the dispute arose.' })
  grid(@Parent() dispute: DisputeType): GridRef {
    return { __typename: 'Grid', id: dispute.gridId };
  }

  @Access(RULES.dispute.read)
  @ResolveField(() => IncidentRef, { nullable: true, description: 'The incident it came from, when origin is INCIDENT.' })
  incident(@Parent() dispute: DisputeType): IncidentRef | null {
    return dispute.originIncidentId ? { id: dispute.originIncidentId } : null;
  }

  @Access(FIELDS.dispute.words)
  @ResolveField(() => String, {
    nullable: true,
    description: 'What the dispute is about, in words. Null for analysts: free text may name people.',
  })
  summary(@Parent() dispute: DisputeType): string | null {
    return dispute.summary;
  }

  @Access(RULES.dispute.read)
  @ResolveField(() => [DisputePartyType])
  parties(@Parent() dispute: DisputeType, @Context() ctx: RequestContext): Promise<DisputePartyType[]> {
    return ctx.loaders.get<string, DisputePartyType[]>('dispute.parties', (ids) => this.service.loadParties(ids)).load(dispute.id);
  }

  @Access(RULES.dispute.read)
  @ResolveField(() => [DisputeStepType], { description: 'Every step, oldest first; it is never rewritten.' })
  timeline(@Parent() dispute: DisputeType, @Context() ctx: RequestContext): Promise<DisputeStepType[]> {
    return ctx.loaders.get<string, DisputeStepType[]>('dispute.timeline', (ids) => this.service.loadTimelines(ids)).load(dispute.id);
  }

  @Access(RULES.dispute.read)
  @ResolveField(() => [FollowUpType])
  followUps(@Parent() dispute: DisputeType, @Context() ctx: RequestContext): Promise<FollowUpType[]> {
    return ctx.loaders.get<string, FollowUpType[]>('dispute.followUps', (ids) => this.service.loadFollowUps(ids)).load(dispute.id);
  }

  @Access(RULES.dispute.read)
  @ResolveReference()
  resolveReference(ref: { id: string }, ctx: RequestContext): Promise<DisputeType> {
    return disputeLoader(ctx, this.service).load(ref.id);
  }
}

@Resolver(() => DisputePartyType)
export class DisputePartyResolver {
  @Access(FIELDS.dispute.words)
  @ResolveField(() => String, {
    nullable: true,
    description: 'For an outside person or organisation: the name they gave. Null for analysts.',
  })
  name(@Parent() party: DisputePartyType): string | null {
    return party.name;
  }

  @Access(FIELDS.dispute.people)
  @ResolveField(() => ResidentRef, { nullable: true, description: 'The resident, resolved by the population registry.' })
  resident(@Parent() party: DisputePartyType): ResidentRef | null {
    return party.residentId ? { __typename: 'Resident', id: party.residentId } : null;
  }
}

@Resolver(() => GridRef)
export class GridDisputesResolver {
  constructor(private readonly service: DisputeService) {}

  @Access(RULES.dispute.read)
  @ResolveField(() => DisputeConnection, { description: 'Disputes registered in this grid, newest first.' })
  disputes(@Parent() grid: GridRef, @Args() args: GridDisputesArgs, @Context() ctx: RequestContext): Promise<Connection<DisputeType>> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<string, Connection<DisputeType>>(pageLoaderName('dispute.byGrid', args), (ids) => this.service.loadByGrids(principal, ids, args))
      .load(grid.id);
  }

  @Access(RULES.grid.read)
  @ResolveReference()
  resolveReference(ref: { id: string }): GridRef {
    return { id: ref.id };
  }
}

@Resolver(() => ResidentRef)
export class ResidentDisputesResolver {
  constructor(private readonly service: DisputeService) {}

  @Access(RULES.dispute.read)
  @ResolveField(() => DisputeConnection, { description: 'Disputes this resident is a party to, in your areas, newest first.' })
  disputes(
    @Parent() resident: ResidentRef,
    @Args() args: GridDisputesArgs,
    @Context() ctx: RequestContext,
  ): Promise<Connection<DisputeType>> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<string, Connection<DisputeType>>(pageLoaderName('dispute.byResident', args), (ids) =>
        this.service.loadByResidents(principal, ids, args),
      )
      .load(resident.id);
  }

  @Access(RULES.registry.read)
  @ResolveReference()
  resolveReference(ref: { id: string }): ResidentRef {
    return { id: ref.id };
  }
}

@Resolver(() => IncidentRef)
export class IncidentDisputeResolver {
  constructor(private readonly service: DisputeService) {}

  @Access(RULES.dispute.read)
  @ResolveField(() => DisputeType, { nullable: true, description: 'The dispute registered when this incident was escalated as one.' })
  dispute(@Parent() incident: IncidentRef, @Context() ctx: RequestContext): Promise<DisputeType | null> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<string, DisputeType | null>('dispute.byIncident', (ids) => this.service.loadByIncidents(principal, ids))
      .load(incident.id);
  }

  @Access(RULES.incident.read)
  @ResolveReference()
  resolveReference(ref: { id: string }): IncidentRef {
    return { id: ref.id };
  }
}

@Resolver(() => AgreementType)
export class AgreementResolver {
  @Access(FIELDS.dispute.words)
  @ResolveField(() => String, { nullable: true, description: 'What the parties agreed. Null for analysts.' })
  terms(@Parent() agreement: AgreementType): string | null {
    return agreement.terms;
  }
}

@Resolver(() => DisputeStepType)
export class DisputeStepResolver {
  @Access(FIELDS.dispute.words)
  @ResolveField(() => String, { nullable: true, description: 'Null for analysts.' })
  note(@Parent() step: DisputeStepType): string | null {
    return step.note;
  }
}

@Resolver(() => FollowUpType)
export class FollowUpResolver {
  @Access(FIELDS.dispute.words)
  @ResolveField(() => String, { nullable: true, description: 'Null for analysts.' })
  note(@Parent() visit: FollowUpType): string | null {
    return visit.note;
  }
}
