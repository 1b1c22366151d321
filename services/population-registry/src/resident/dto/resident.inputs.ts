import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { IsEnum, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { PageArgs } from '@civgrid/service-kit';
import { PopulationTagEnum, ResidentStatusEnum } from './resident.type';

@InputType()
export class RegisterResidentInput {
  @Field(() => ID, {
    nullable: true,
    description: 'Made by the phone: sending the same resident again (a weak network, an offline queue) registers it once.',
  })
  @IsOptional()
  @IsUUID()
  id?: string;

  @Field(() => ID)
  @IsUUID()
  householdId!: string;

  @Field()
  @IsString()
  @Length(1, 100)
  name!: string;

  @Field({ description: '18 characters; a lower-case x is accepted.' })
  @IsString()
  @Length(1, 40)
  nationalId!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 30)
  phone?: string;

  @Field({ description: 'Relation to the household head; 户主 makes the resident the head.' })
  @IsString()
  @Length(1, 40)
  relation!: string;
}

@InputType()
export class ChangeResidentStatusInput {
  @Field(() => ID)
  @IsUUID()
  residentId!: string;

  @Field(() => ResidentStatusEnum, { description: 'MOVED_OUT or DECEASED.' })
  @IsIn([ResidentStatusEnum.MOVED_OUT, ResidentStatusEnum.DECEASED])
  status!: ResidentStatusEnum;

  @Field()
  @IsString()
  @Length(1, 200)
  reason!: string;
}

@InputType()
export class TransferResidentInput {
  @Field(() => ID)
  @IsUUID()
  residentId!: string;

  @Field(() => ID)
  @IsUUID()
  householdId!: string;

  @Field()
  @IsString()
  @Length(1, 40)
  relation!: string;

  @Field()
  @IsString()
  @Length(1, 200)
  reason!: string;
}

@InputType({
  description:
    'A resident who moved out comes back: to a household in your reach (a new one or their old one), with their relation there. ' +
    'Name them by `residentId` when they left from within your areas, or by `nationalId` (from their ID card) when they left from elsewhere.',
})
export class RecordResidentReturnedInput {
  @Field(() => ID, { nullable: true, description: 'The resident, when they left from a grid within your reach.' })
  @IsOptional()
  @IsUUID()
  residentId?: string;

  @Field(() => String, {
    nullable: true,
    description: 'Their national ID number, as on their ID card: finds a resident who left from outside your reach (audited).',
  })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  nationalId?: string;

  @Field(() => ID)
  @IsUUID()
  householdId!: string;

  @Field()
  @IsString()
  @Length(1, 40)
  relation!: string;

  @Field()
  @IsString()
  @Length(1, 200)
  reason!: string;
}

@InputType()
export class AddResidentTagInput {
  @Field(() => ID)
  @IsUUID()
  residentId!: string;

  @Field(() => PopulationTagEnum)
  @IsEnum(PopulationTagEnum)
  tag!: PopulationTagEnum;

  @Field({ description: 'YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  startsOn!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  note?: string;
}

@InputType()
export class EndResidentTagInput {
  @Field(() => ID)
  @IsUUID()
  tagId!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  endsOn!: string;
}

@ArgsType()
export class ResidentArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}

@ArgsType()
export class ResidentByNationalIdArgs {
  @Field()
  @IsString()
  @Length(1, 40)
  nationalId!: string;

  @Field({ description: 'Why you look this person up (3–500 characters); written to the audit log.' })
  @IsString()
  @Length(3, 500)
  purpose!: string;
}

@ArgsType()
export class PurposeArgs {
  @Field(() => String, {
    nullable: true,
    description: 'State why (3–500 characters) to see the value unmasked, if your role allows; the read is audited.',
  })
  @IsOptional()
  @IsString()
  purpose?: string;
}

@ArgsType()
export class ResidentsArgs extends PageArgs {
  @Field(() => PopulationTagEnum, { nullable: true, description: 'Residents holding this tag today (roles that may read tags only).' })
  @IsOptional()
  @IsEnum(PopulationTagEnum)
  tag?: PopulationTagEnum;

  @Field(() => ResidentStatusEnum, { nullable: true, description: 'Defaults to every status.' })
  @IsOptional()
  @IsEnum(ResidentStatusEnum)
  status?: ResidentStatusEnum;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(150)
  minAge?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(150)
  maxAge?: number;
}
