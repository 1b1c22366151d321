import { ArgsType, Field, Float, GraphQLISODateTime, ID, InputType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDate,
  IsEnum,
  IsLatitude,
  IsLongitude,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { PageArgs } from '@civgrid/service-kit';
import { IncidentCategoryEnum, IncidentPriorityEnum, IncidentSourceEnum, IncidentStatusEnum } from './incident.type';

@InputType()
export class IncidentLocationInput {
  @Field(() => ID, { nullable: true, description: 'A dwelling of the population registry.' })
  @IsOptional()
  @IsUUID()
  dwellingId?: string;

  @Field({ nullable: true, description: 'The address as people say it, 1–300 characters.' })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  addressText?: string;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsLatitude()
  latitude?: number;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsLongitude()
  longitude?: number;
}

@InputType()
export class ReportIncidentInput {
  @Field(() => ID, { description: 'The grid where it happened.' })
  @IsUUID()
  gridId!: string;

  @Field({ description: '1–200 characters.' })
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'title must not be blank' })
  title!: string;

  @Field({ defaultValue: '', description: 'At most 4000 characters.' })
  @IsString()
  @MaxLength(4000)
  description: string = '';

  @Field(() => IncidentCategoryEnum)
  @IsEnum(IncidentCategoryEnum)
  category!: IncidentCategoryEnum;

  @Field({ nullable: true, description: "One of the category's subcategory codes (incidentCategories)." })
  @IsOptional()
  @IsString()
  subcategory?: string;

  @Field(() => IncidentPriorityEnum, { defaultValue: IncidentPriorityEnum.NORMAL })
  @IsEnum(IncidentPriorityEnum)
  priority: IncidentPriorityEnum = IncidentPriorityEnum.NORMAL;

  @Field(() => IncidentSourceEnum, { defaultValue: IncidentSourceEnum.GRID_PATROL })
  @IsEnum(IncidentSourceEnum)
  source: IncidentSourceEnum = IncidentSourceEnum.GRID_PATROL;

  @Field(() => IncidentLocationInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => IncidentLocationInput)
  location?: IncidentLocationInput;

  @Field(() => ID, { nullable: true, description: 'The resident who told of it, if a resident did.' })
  @IsOptional()
  @IsUUID()
  reporterResidentId?: string;

  @Field(() => [ID], { nullable: true, description: 'Photos uploaded first (POST /photos), at most 9.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(9)
  @IsUUID('all', { each: true })
  photoIds?: string[];

  @Field({
    nullable: true,
    description:
      'Made by the client once per report (8–100 characters, e.g. a UUID): a retry with the same key returns the first incident.',
  })
  @IsOptional()
  @Matches(/^[\x21-\x7e]{8,100}$/, { message: 'idempotencyKey must be 8–100 visible ASCII characters' })
  idempotencyKey?: string;
}

@InputType()
export class IncidentStepInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field({ nullable: true, description: 'Written to the timeline, at most 1000 characters.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

@InputType()
export class RejectIncidentInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field({ description: 'Why: the reporter sees it. 1–1000 characters.' })
  @IsString()
  @Length(1, 1000)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason!: string;
}

@InputType()
export class AssignIncidentInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field({ description: 'The account (grid member, officer) who takes it on.' })
  @IsString()
  @Length(1, 200)
  assigneeId!: string;
}

@InputType()
export class EscalateIncidentInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field({ defaultValue: false, description: 'Hand it to dispute mediation as a dispute.' })
  @IsBoolean()
  asDispute: boolean = false;

  @Field({
    nullable: true,
    description: 'For a dispute: FAMILY, NEIGHBOURHOOD, PROPERTY_MANAGEMENT, HOUSING_SALES, LAND_REQUISITION, LABOUR, CONTRACT or OTHER.',
  })
  @IsOptional()
  @Matches(/^(FAMILY|NEIGHBOURHOOD|PROPERTY_MANAGEMENT|HOUSING_SALES|LAND_REQUISITION|LABOUR|CONTRACT|OTHER)$/, {
    message: 'disputeKind is not a dispute kind',
  })
  disputeKind?: string;

  @Field(() => [ID], { defaultValue: [], description: 'Residents involved (ids of the population registry).' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  residentIds: string[] = [];

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

@ArgsType()
export class IncidentArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}

@ArgsType()
export class GridIncidentsArgs extends PageArgs {
  @Field(() => IncidentStatusEnum, { nullable: true })
  @IsOptional()
  @IsEnum(IncidentStatusEnum)
  status?: IncidentStatusEnum;

  @Field({ nullable: true, description: 'Only the incidents still open (reported, accepted, in progress).' })
  @IsOptional()
  @IsBoolean()
  open?: boolean;
}

@ArgsType()
export class IncidentsArgs extends GridIncidentsArgs {
  @Field(() => ID, { nullable: true, description: 'Only the incidents of this grid.' })
  @IsOptional()
  @IsUUID()
  gridId?: string;

  @Field({ nullable: true, description: 'true: only those missing a deadline now (see Incident.overdue); false: only those that are not.' })
  @IsOptional()
  @IsBoolean()
  overdue?: boolean;
}

@ArgsType()
export class ResolvedInTheBudArgs {
  @Field({ description: 'An area path you may see (ltree).' })
  @Matches(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, { message: 'areaPath must be an ltree path' })
  areaPath!: string;

  @Field(() => GraphQLISODateTime)
  @IsDate()
  from!: Date;

  @Field(() => GraphQLISODateTime)
  @IsDate()
  to!: Date;
}
