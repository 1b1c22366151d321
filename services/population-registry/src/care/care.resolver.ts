import { Args, Context, ID, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Access, CurrentPrincipal, Principal, principalOf, RULES } from '@civgrid/auth';
import { RequestContext } from '@civgrid/service-kit';
import { GridRef } from '../dwelling/dto/grid-ref.type';
import { residentLoader } from '../resident/resident.resolver';
import { ResidentService } from '../resident/resident.service';
import { ResidentType } from '../resident/dto/resident.type';
import { CareService } from './care.service';
import { AgreeWellbeingCheckInput, RecordCheckInInput } from './dto/care.inputs';
import {
  CheckInTokenType,
  WellbeingAgreementType,
  WellbeingCheckDueType,
  WellbeingCheckInType,
  WellbeingContactType,
} from './dto/care.type';
import { PurposeArgs } from '../resident/dto/resident.inputs';

@Resolver()
export class CareResolver {
  constructor(private readonly service: CareService) {}

  @Access(RULES.care.write)
  @Mutation(() => WellbeingAgreementType, { description: 'Agrees a daily wellbeing check with a resident ("curtains open by 7:30").' })
  agreeWellbeingCheck(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: AgreeWellbeingCheckInput,
  ): Promise<WellbeingAgreementType> {
    return this.service.agree(principal, input);
  }

  @Access(RULES.care.write)
  @Mutation(() => WellbeingAgreementType)
  endWellbeingCheck(
    @CurrentPrincipal() principal: Principal,
    @Args('agreementId', { type: () => ID }) agreementId: string,
  ): Promise<WellbeingAgreementType> {
    return this.service.end(principal, agreementId);
  }

  @Access(RULES.care.write)
  @Mutation(() => WellbeingCheckInType, { description: 'Records that the sign was seen today; sending it twice records it once.' })
  recordCheckIn(@CurrentPrincipal() principal: Principal, @Args('input') input: RecordCheckInInput): Promise<WellbeingCheckInType> {
    return this.service.checkIn(principal, input);
  }

  @Access(RULES.care.write)
  @Mutation(() => CheckInTokenType, {
    description: "A token for the resident's own phone to check in (POST /wellbeing/check-in); revokes any token issued before.",
  })
  issueCheckInToken(
    @CurrentPrincipal() principal: Principal,
    @Args('agreementId', { type: () => ID }) agreementId: string,
  ): Promise<CheckInTokenType> {
    return this.service.issueCheckInToken(principal, agreementId);
  }

  @Access(RULES.care.write)
  @Mutation(() => WellbeingAgreementType, { description: 'Every check-in token issued for the agreement stops working.' })
  revokeCheckInTokens(
    @CurrentPrincipal() principal: Principal,
    @Args('agreementId', { type: () => ID }) agreementId: string,
  ): Promise<WellbeingAgreementType> {
    return this.service.revokeCheckInTokens(principal, agreementId);
  }
}

@Resolver(() => WellbeingCheckDueType)
export class CheckDueResolver {
  constructor(private readonly residents: ResidentService) {}

  @Access(RULES.registry.read)
  @ResolveField(() => ResidentType)
  resident(@Parent() due: WellbeingCheckDueType, @Context() ctx: RequestContext): Promise<ResidentType> {
    return residentLoader(ctx, this.residents).load(due.residentId);
  }
}

@Resolver(() => ResidentType)
export class ResidentCareResolver {
  constructor(private readonly service: CareService) {}

  @Access(RULES.care.read)
  @ResolveField(() => [WellbeingAgreementType], { description: 'Wellbeing-check agreements, oldest first.' })
  wellbeingAgreements(@Parent() resident: ResidentType, @Context() ctx: RequestContext): Promise<WellbeingAgreementType[]> {
    return ctx.loaders.get<string, WellbeingAgreementType[]>('care.agreements', (ids) => this.service.agreementsOf(ids)).load(resident.id);
  }
}

@Resolver(() => GridRef)
export class GridCareResolver {
  constructor(private readonly service: CareService) {}

  @Access(RULES.care.read)
  @ResolveField(() => [WellbeingCheckDueType], {
    description: "Today's wellbeing checks in this grid (district time), earliest deadline first.",
  })
  wellbeingChecksDueToday(@Parent() grid: GridRef, @Context() ctx: RequestContext): Promise<WellbeingCheckDueType[]> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<string, WellbeingCheckDueType[]>('care.dueToday', (ids) => this.service.loadDueToday(principal, ids))
      .load(grid.id);
  }
}

@Resolver(() => WellbeingAgreementType)
export class AgreementContactsResolver {
  constructor(private readonly service: CareService) {}

  @Access(RULES.care.read)
  @ResolveField(() => [WellbeingContactType], {
    description: 'Whom to call: names and phones masked unless your role needs them and you state a purpose; unmasked reads are audited.',
  })
  contacts(
    @Parent() agreement: WellbeingAgreementType,
    @Args() { purpose }: PurposeArgs,
    @Context() ctx: RequestContext,
  ): Promise<WellbeingContactType[]> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<WellbeingAgreementType, WellbeingContactType[]>(`care.contacts:${purpose ?? ''}`, (batch) =>
        this.service.contacts(principal, batch, purpose),
      )
      .load(agreement);
  }
}
