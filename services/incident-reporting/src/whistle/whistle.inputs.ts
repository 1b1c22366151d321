import { ArgsType, Field, GraphQLISODateTime, ID, InputType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDate,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { PageArgs } from '@civgrid/service-kit';

@InputType()
export class BlowWhistleInput {
  @Field(() => ID)
  @IsUUID()
  incidentId!: string;

  @Field(() => [ID], { description: 'Departments of grid organisation, 1–20.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true })
  departmentIds!: string[];

  @Field(() => GraphQLISODateTime, { description: 'Each department reports by then.' })
  @IsDate()
  dueAt!: Date;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

@InputType()
export class ReportToWhistleInput {
  @Field(() => ID)
  @IsUUID()
  whistleId!: string;

  @Field({ description: 'What the department found or will do, 1–2000 characters.' })
  @IsString()
  @Length(1, 2000)
  @Matches(/\S/, { message: 'response must not be blank' })
  response!: string;
}

@ArgsType()
export class WhistlesArgs extends PageArgs {
  @Field({ nullable: true, description: 'Only those your department has not reported to yet.' })
  @IsOptional()
  @IsBoolean()
  pending?: boolean;
}

@ArgsType()
export class WhistleArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}
