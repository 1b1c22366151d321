import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsEnum, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { PageArgs } from '@civgrid/service-kit';
import {
  DisputeKindEnum,
  DisputeLevelEnum,
  DisputeOriginEnum,
  DisputeStatusEnum,
  FollowUpFindingEnum,
  JudicialConfirmationEnum,
  PartyKindEnum,
  PartyRoleEnum,
  ReferralSourceEnum,
  ReferralTargetEnum,
} from './dispute.type';

@InputType()
export class DisputePartyInput {
  @Field(() => PartyRoleEnum)
  @IsEnum(PartyRoleEnum)
  role!: PartyRoleEnum;

  @Field(() => PartyKindEnum)
  @IsEnum(PartyKindEnum)
  kind!: PartyKindEnum;

  @Field(() => ID, { nullable: true, description: 'For RESIDENT: the resident id. Nothing else about them is kept here.' })
  @IsOptional()
  @IsUUID()
  residentId?: string;

  @Field({ nullable: true, description: 'For PERSON or ORGANISATION: a name, 1–200 characters.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;
}

@InputType()
export class RegisterDisputeInput {
  @Field(() => ID, { description: 'The grid where the dispute arose.' })
  @IsUUID()
  gridId!: string;

  @Field(() => DisputeKindEnum)
  @IsEnum(DisputeKindEnum)
  kind!: DisputeKindEnum;

  @Field({ description: 'What the dispute is about, 1–2000 characters.' })
  @IsString()
  @Length(1, 2000)
  @Matches(/\S/, { message: 'summary must not be blank' })
  summary!: string;

  @Field(() => DisputeOriginEnum)
  @IsEnum(DisputeOriginEnum)
  origin!: DisputeOriginEnum;

  @Field(() => ID, { nullable: true, description: 'The incident it came from; required when origin is INCIDENT, refused otherwise.' })
  @IsOptional()
  @IsUUID()
  originIncidentId?: string;

  @Field(() => ReferralSourceEnum, { nullable: true, description: 'Who referred it: required when origin is REFERRAL, refused otherwise.' })
  @IsOptional()
  @IsEnum(ReferralSourceEnum)
  referredBy?: ReferralSourceEnum;

  @Field(() => DisputeLevelEnum, {
    nullable: true,
    description:
      'Where mediation starts (default VILLAGE), e.g. DISTRICT for a walk-in at the district centre. ' +
      "The level's area must lie in your areas (a mediator: on your committee's), and a committee must serve it.",
  })
  @IsOptional()
  @IsEnum(DisputeLevelEnum)
  level?: DisputeLevelEnum;

  @Field(() => [DisputePartyInput], { nullable: true, description: 'At most 50.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => DisputePartyInput)
  parties?: DisputePartyInput[];
}

const note = (description: string) => ({ nullable: true, description });

@InputType()
export class DisputeStepInput {
  @Field(() => ID)
  @IsUUID()
  disputeId!: string;

  @Field(note('Why, in a few words; kept on the timeline.'))
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}

@InputType()
export class EscalateDisputeInput {
  @Field(() => ID)
  @IsUUID()
  disputeId!: string;

  @Field({ description: 'Why this level cannot settle it, 1–2000 characters.' })
  @IsString()
  @Length(1, 2000)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason!: string;
}

@InputType()
export class RecordAgreementInput {
  @Field(() => ID)
  @IsUUID()
  disputeId!: string;

  @Field({ description: 'The terms the parties signed, 1–5000 characters.' })
  @IsString()
  @Length(1, 5000)
  @Matches(/\S/, { message: 'terms must not be blank' })
  terms!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'signedOn must be a date, YYYY-MM-DD' })
  signedOn!: string;
}

@InputType()
export class RecordJudicialConfirmationInput {
  @Field(() => ID)
  @IsUUID()
  disputeId!: string;

  @Field(() => JudicialConfirmationEnum)
  @IsEnum(JudicialConfirmationEnum)
  confirmation!: JudicialConfirmationEnum;
}

@InputType()
export class ReferDisputeInput {
  @Field(() => ID)
  @IsUUID()
  disputeId!: string;

  @Field(() => ReferralTargetEnum)
  @IsEnum(ReferralTargetEnum)
  to!: ReferralTargetEnum;

  @Field(note('Why, kept on the timeline.'))
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}

@InputType()
export class RecordFollowUpInput {
  @Field(() => ID)
  @IsUUID()
  disputeId!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'visitedOn must be a date, YYYY-MM-DD' })
  visitedOn!: string;

  @Field(() => FollowUpFindingEnum)
  @IsEnum(FollowUpFindingEnum)
  finding!: FollowUpFindingEnum;

  @Field(note('What was seen, up to 2000 characters.'))
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}

@ArgsType()
export class DisputeArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}

@ArgsType()
export class GridDisputesArgs extends PageArgs {
  @Field(() => DisputeStatusEnum, { nullable: true, description: 'Only disputes in this status; all when omitted.' })
  @IsOptional()
  @IsEnum(DisputeStatusEnum)
  status?: DisputeStatusEnum;

  @Field(() => Boolean, { nullable: true, description: 'true: only open disputes (not closed or withdrawn); false: only finished ones.' })
  @IsOptional()
  @IsBoolean()
  open?: boolean;

  @Field(() => DisputeLevelEnum, { nullable: true, description: 'Only disputes now at this level.' })
  @IsOptional()
  @IsEnum(DisputeLevelEnum)
  level?: DisputeLevelEnum;

  @Field(() => DisputeKindEnum, { nullable: true })
  @IsOptional()
  @IsEnum(DisputeKindEnum)
  kind?: DisputeKindEnum;
}

@ArgsType()
export class DisputesArgs extends GridDisputesArgs {
  @Field(() => ID, { nullable: true, description: 'Only the disputes of this grid.' })
  @IsOptional()
  @IsUUID()
  gridId?: string;

  @Field({ nullable: true, description: 'Only disputes in grids under this area path.' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, { message: 'underPath must be an area path' })
  underPath?: string;
}
