import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { PageArgs } from '@civgrid/service-kit';
import { IncidentCategoryEnum, IncidentPriorityEnum, IncidentSourceEnum, IncidentStatusEnum } from './incident.type';

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

  @Field(() => IncidentPriorityEnum, { defaultValue: IncidentPriorityEnum.NORMAL })
  @IsEnum(IncidentPriorityEnum)
  priority: IncidentPriorityEnum = IncidentPriorityEnum.NORMAL;

  @Field(() => IncidentSourceEnum, { defaultValue: IncidentSourceEnum.GRID_PATROL })
  @IsEnum(IncidentSourceEnum)
  source: IncidentSourceEnum = IncidentSourceEnum.GRID_PATROL;

  @Field({
    nullable: true,
    description:
      'Made by the client once per report (8–100 characters, e.g. a UUID): a retry with the same key returns the first incident.',
  })
  @IsOptional()
  @Matches(/^[\x21-\x7e]{8,100}$/, { message: 'idempotencyKey must be 8–100 visible ASCII characters' })
  idempotencyKey?: string;
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
}

@ArgsType()
export class IncidentsArgs extends GridIncidentsArgs {
  @Field(() => ID, { nullable: true, description: 'Only the incidents of this grid.' })
  @IsOptional()
  @IsUUID()
  gridId?: string;
}
