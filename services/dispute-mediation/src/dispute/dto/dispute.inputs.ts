import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageArgs } from '@civgrid/service-kit';
import { DisputeKindEnum, DisputeOriginEnum, DisputeStatusEnum } from './dispute.type';

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
}

@ArgsType()
export class DisputesArgs extends GridDisputesArgs {
  @Field(() => ID, { nullable: true, description: 'Only the disputes of this grid.' })
  @IsOptional()
  @IsUUID()
  gridId?: string;
}
