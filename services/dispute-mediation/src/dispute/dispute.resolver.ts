import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import { CurrentPrincipal, Principal, principalOf, Roles } from '@civgrid/auth';
import { Connection, RequestContext } from '@civgrid/service-kit';
import { DisputeStepsService } from './dispute-steps.service';
import { DisputeErrors } from './dispute.errors';
import { canReadDispute, DISPUTE_REGISTRARS, DisputeService } from './dispute.service';
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
import { mayReadMinutes } from '../session/session.service';
import { GridRef } from './dto/grid-ref.type';
import { IncidentRef, ResidentRef } from './dto/refs.type';

/** One loader per argument set: every key of a request asking the same page shares one statement. */
const pageLoaderName = (prefix: string, args: GridDisputesArgs): string =>
  `${prefix}:${JSON.stringify([args.status ?? null, args.open ?? null, args.level ?? null, args.kind ?? null, args.first, args.after ?? null])}`;

@Resolver(() => DisputeType)
export class DisputeResolver {
  constructor(
    private readonly service: DisputeService,
    private readonly steps: DisputeStepsService,
  ) {}

  @Query(() => DisputeType)
  dispute(@CurrentPrincipal() principal: Principal, @Args() { id }: DisputeArgs): Promise<DisputeType> {
    return this.service.byId(principal, id);
  }

  @Query(() => DisputeConnection, { description: 'Disputes in your areas, newest first.' })
  disputes(@CurrentPrincipal() principal: Principal, @Args() args: DisputesArgs): Promise<Connection<DisputeType>> {
    return this.service.list(principal, args);
  }

  @Mutation(() => DisputeType, {
    description: 'Registers a dispute in a grid, at village or community level unless `level` says otherwise.',
  })
  @Roles(...DISPUTE_REGISTRARS)
  registerDispute(@CurrentPrincipal() principal: Principal, @Args('input') input: RegisterDisputeInput): Promise<DisputeType> {
    return this.service.register(principal, input);
  }

  @Mutation(() => DisputeType, { description: "The committee of the dispute's level takes it on (REGISTERED → ACCEPTED)." })
  acceptDispute(@CurrentPrincipal() principal: Principal, @Args('input') input: DisputeStepInput): Promise<DisputeType> {
    return this.steps.accept(principal, input);
  }

  @Mutation(() => DisputeType, { description: 'Sends the dispute up one level (village → town → district), with a reason.' })
  escalateDispute(@CurrentPrincipal() principal: Principal, @Args('input') input: EscalateDisputeInput): Promise<DisputeType> {
    return this.steps.escalate(principal, input);
  }

  @Mutation(() => DisputeType, { description: 'The parties signed a mediated agreement (IN_MEDIATION → AGREEMENT_REACHED).' })
  recordAgreement(@CurrentPrincipal() principal: Principal, @Args('input') input: RecordAgreementInput): Promise<DisputeType> {
    return this.steps.recordAgreement(principal, input);
  }

  @Mutation(() => DisputeType, { description: 'Judicial confirmation of the agreement: requested, then granted or refused by the court.' })
  recordJudicialConfirmation(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: RecordJudicialConfirmationInput,
  ): Promise<DisputeType> {
    return this.steps.recordJudicialConfirmation(principal, input);
  }

  @Mutation(() => DisputeType, { description: 'Mediation could not settle it (IN_MEDIATION → MEDIATION_FAILED).' })
  recordMediationFailure(@CurrentPrincipal() principal: Principal, @Args('input') input: DisputeStepInput): Promise<DisputeType> {
    return this.steps.recordFailure(principal, input);
  }

  @Mutation(() => DisputeType, { description: 'Sends the dispute to arbitration or to court.' })
  referDispute(@CurrentPrincipal() principal: Principal, @Args('input') input: ReferDisputeInput): Promise<DisputeType> {
    return this.steps.refer(principal, input);
  }

  @Mutation(() => DisputeType, { description: 'The parties withdrew it; booked sessions are cancelled.' })
  withdrawDispute(@CurrentPrincipal() principal: Principal, @Args('input') input: DisputeStepInput): Promise<DisputeType> {
    return this.steps.withdraw(principal, input);
  }

  @Mutation(() => DisputeType, { description: 'Closes a dispute after an agreement or a failure; the incident it came from is resolved.' })
  closeDispute(@CurrentPrincipal() principal: Principal, @Args('input') input: DisputeStepInput): Promise<DisputeType> {
    return this.steps.close(principal, input);
  }

  @Mutation(() => DisputeType, { description: 'A follow-up visit after an agreement: was it honoured?' })
  recordFollowUp(@CurrentPrincipal() principal: Principal, @Args('input') input: RecordFollowUpInput): Promise<DisputeType> {
    return this.steps.recordFollowUp(principal, input);
  }

  @ResolveField(() => GridRef, { description: 'The grid where the dispute arose.' })
  grid(@Parent() dispute: DisputeType): GridRef {
    return { __typename: 'Grid', id: dispute.gridId };
  }

  @ResolveField(() => IncidentRef, { nullable: true, description: 'The incident it came from, when origin is INCIDENT.' })
  incident(@Parent() dispute: DisputeType): IncidentRef | null {
    return dispute.originIncidentId ? { id: dispute.originIncidentId } : null;
  }

  @ResolveField(() => String, {
    nullable: true,
    description: 'What the dispute is about, in words. Null for analysts: free text may name people.',
  })
  summary(@Parent() dispute: DisputeType, @CurrentPrincipal() principal: Principal): string | null {
    return caseText(principal, dispute.summary);
  }

  @ResolveField(() => [DisputePartyType])
  parties(@Parent() dispute: DisputeType, @Context() ctx: RequestContext): Promise<DisputePartyType[]> {
    return ctx.loaders.get<string, DisputePartyType[]>('dispute.parties', (ids) => this.service.loadParties(ids)).load(dispute.id);
  }

  @ResolveField(() => [DisputeStepType], { description: 'Every step, oldest first; it is never rewritten.' })
  timeline(@Parent() dispute: DisputeType, @Context() ctx: RequestContext): Promise<DisputeStepType[]> {
    return ctx.loaders.get<string, DisputeStepType[]>('dispute.timeline', (ids) => this.service.loadTimelines(ids)).load(dispute.id);
  }

  @ResolveField(() => [FollowUpType])
  followUps(@Parent() dispute: DisputeType, @Context() ctx: RequestContext): Promise<FollowUpType[]> {
    return ctx.loaders.get<string, FollowUpType[]>('dispute.followUps', (ids) => this.service.loadFollowUps(ids)).load(dispute.id);
  }

  @ResolveReference()
  async resolveReference(ref: { id: string }, ctx: RequestContext): Promise<DisputeType> {
    const dispute = await ctx.loaders.get<string, DisputeType>('dispute.byId', (ids) => this.service.loadByIds(ids)).load(ref.id);
    if (!canReadDispute(principalOf(ctx), dispute)) throw DisputeErrors.notFound(ref.id);
    return dispute;
  }
}

/** Free text and names of a case: for those who take part in mediation or answer for it, not for analysts. */
const caseText = (principal: Principal, text: string | null): string | null => (mayReadMinutes(principal) ? text : null);

@Resolver(() => DisputePartyType)
export class DisputePartyResolver {
  @ResolveField(() => String, {
    nullable: true,
    description: 'For an outside person or organisation: the name they gave. Null for analysts.',
  })
  name(@Parent() party: DisputePartyType, @CurrentPrincipal() principal: Principal): string | null {
    return caseText(principal, party.name);
  }

  @ResolveField(() => ResidentRef, { nullable: true, description: 'The resident, resolved by the population registry.' })
  resident(@Parent() party: DisputePartyType): ResidentRef | null {
    return party.residentId ? { __typename: 'Resident', id: party.residentId } : null;
  }
}

@Resolver(() => GridRef)
export class GridDisputesResolver {
  constructor(private readonly service: DisputeService) {}

  @ResolveField(() => DisputeConnection, { description: 'Disputes registered in this grid, newest first.' })
  disputes(@Parent() grid: GridRef, @Args() args: GridDisputesArgs, @Context() ctx: RequestContext): Promise<Connection<DisputeType>> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<string, Connection<DisputeType>>(pageLoaderName('dispute.byGrid', args), (ids) => this.service.loadByGrids(principal, ids, args))
      .load(grid.id);
  }

  @ResolveReference()
  resolveReference(ref: { id: string }): GridRef {
    return { id: ref.id };
  }
}

@Resolver(() => ResidentRef)
export class ResidentDisputesResolver {
  constructor(private readonly service: DisputeService) {}

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

  @ResolveReference()
  resolveReference(ref: { id: string }): ResidentRef {
    return { id: ref.id };
  }
}

@Resolver(() => IncidentRef)
export class IncidentDisputeResolver {
  constructor(private readonly service: DisputeService) {}

  @ResolveField(() => DisputeType, { nullable: true, description: 'The dispute registered when this incident was escalated as one.' })
  dispute(@Parent() incident: IncidentRef, @Context() ctx: RequestContext): Promise<DisputeType | null> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<string, DisputeType | null>('dispute.byIncident', (ids) => this.service.loadByIncidents(principal, ids))
      .load(incident.id);
  }

  @ResolveReference()
  resolveReference(ref: { id: string }): IncidentRef {
    return { id: ref.id };
  }
}

@Resolver(() => AgreementType)
export class AgreementResolver {
  @ResolveField(() => String, { nullable: true, description: 'What the parties agreed. Null for analysts.' })
  terms(@Parent() agreement: AgreementType, @CurrentPrincipal() principal: Principal): string | null {
    return caseText(principal, agreement.terms);
  }
}

@Resolver(() => DisputeStepType)
export class DisputeStepResolver {
  @ResolveField(() => String, { nullable: true, description: 'Null for analysts.' })
  note(@Parent() step: DisputeStepType, @CurrentPrincipal() principal: Principal): string | null {
    return caseText(principal, step.note);
  }
}

@Resolver(() => FollowUpType)
export class FollowUpResolver {
  @ResolveField(() => String, { nullable: true, description: 'Null for analysts.' })
  note(@Parent() visit: FollowUpType, @CurrentPrincipal() principal: Principal): string | null {
    return caseText(principal, visit.note);
  }
}
