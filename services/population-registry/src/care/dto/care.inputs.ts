import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsDate,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PHONE_PATTERN } from '@civgrid/pii';
import { CheckSignalEnum } from './care.type';

@InputType()
export class WellbeingContactInput {
  @Field()
  @IsString()
  @Length(1, 50)
  name!: string;

  @Field({ description: 'Daughter, neighbour, …' })
  @IsString()
  @Length(1, 20)
  relation!: string;

  @Field()
  @Matches(PHONE_PATTERN, { message: 'phone must be a mainland mobile number or a landline with area code' })
  phone!: string;
}

@InputType()
export class AgreeWellbeingCheckInput {
  @Field(() => ID)
  @IsUUID()
  residentId!: string;

  @Field(() => CheckSignalEnum)
  @IsEnum(CheckSignalEnum)
  signal!: CheckSignalEnum;

  @Field({ description: 'HH:MM, district time, e.g. 07:30.' })
  @IsString()
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/)
  deadline!: string;

  @Field(() => [Int], { defaultValue: [1, 2, 3, 4, 5, 6, 7], description: 'ISO weekdays: 1 = Monday … 7 = Sunday.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  days: number[] = [1, 2, 3, 4, 5, 6, 7];

  @Field(() => Int, { defaultValue: 30, description: 'Minutes after the deadline before the alarm (0–720).' })
  @IsInt()
  @Min(0)
  @Max(720)
  graceMinutes: number = 30;

  @Field(() => ID, { nullable: true, description: 'The grid member who answers for the check.' })
  @IsOptional()
  @IsUUID()
  responsibleMemberId?: string;

  @Field(() => [WellbeingContactInput], {
    defaultValue: [],
    description: 'Whom to call when a check is missed (at most 5); stored encrypted.',
  })
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => WellbeingContactInput)
  contacts: WellbeingContactInput[] = [];
}

@InputType()
export class RecordCheckInInput {
  @Field(() => ID)
  @IsUUID()
  agreementId!: string;

  @Field(() => Date, {
    nullable: true,
    description: 'When the sign was seen; defaults to now. Sent later from a phone that was offline, it still counts for its own day.',
  })
  @IsOptional()
  @IsDate()
  at?: Date;
}
