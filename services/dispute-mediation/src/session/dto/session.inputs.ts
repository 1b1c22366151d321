import { ArgsType, Field, GraphQLISODateTime, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsDate,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { PageArgs } from '@civgrid/service-kit';

@InputType()
export class ScheduleSessionInput {
  @Field(() => ID)
  @IsUUID()
  disputeId!: string;

  @Field(() => ID)
  @IsUUID()
  roomId!: string;

  @Field(() => GraphQLISODateTime)
  @Type(() => Date)
  @IsDate()
  startsAt!: Date;

  @Field(() => GraphQLISODateTime)
  @Type(() => Date)
  @IsDate()
  endsAt!: Date;

  @Field(() => [ID], { description: 'Mediators of the committee handling the dispute at its current level; 1–10.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsUUID('all', { each: true })
  mediatorIds!: string[];

  @Field(() => [ID], { nullable: true, description: 'Departments taking part (in a centre: departments seated there).' })
  @IsOptional()
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true })
  departmentIds?: string[];
}

@InputType()
export class AttendanceInput {
  @Field(() => ID)
  @IsUUID()
  partyId!: string;

  @Field()
  @IsBoolean()
  present!: boolean;
}

@InputType()
export class RecordSessionInput {
  @Field(() => ID)
  @IsUUID()
  sessionId!: string;

  @Field({ description: 'The minutes, 1–20000 characters.' })
  @IsString()
  @Length(1, 20000)
  @Matches(/\S/, { message: 'minutes must not be blank' })
  minutes!: string;

  @Field(() => [AttendanceInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => AttendanceInput)
  attendance?: AttendanceInput[];
}

@InputType()
export class CancelSessionInput {
  @Field(() => ID)
  @IsUUID()
  sessionId!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  reason?: string;
}

@ArgsType()
export class SessionPageArgs extends PageArgs {
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Only sessions ending after this time.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Only sessions starting before this time.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}

@ArgsType()
export class SessionsArgs extends SessionPageArgs {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  roomId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  disputeId?: string;
}
