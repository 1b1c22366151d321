import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageArgs } from '@civgrid/service-kit';
import { DepartmentKindEnum, DepartmentLevelEnum } from './department.type';

@InputType()
export class CreateDepartmentInput {
  @Field({ description: 'Letters, digits, dash and underscore; unique.' })
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'code must be 1–40 letters, digits, dashes or underscores' })
  code!: string;

  @Field()
  @IsString()
  @Length(1, 200)
  name!: string;

  @Field(() => DepartmentKindEnum)
  @IsEnum(DepartmentKindEnum)
  kind!: DepartmentKindEnum;

  @Field(() => DepartmentLevelEnum)
  @IsEnum(DepartmentLevelEnum)
  level!: DepartmentLevelEnum;

  @Field(() => ID, { description: 'The district (district level) or town or street (town level) it serves.' })
  @IsUUID()
  areaId!: string;

  @Field({ nullable: true })
  @IsOptional()
  @Matches(/^[0-9+\- ()]{5,30}$/, { message: 'contactPhone must be a telephone number' })
  contactPhone?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  address?: string;
}

@ArgsType()
export class DepartmentArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}

@ArgsType()
export class DepartmentsArgs extends PageArgs {
  @Field({ nullable: true, description: 'Departments serving areas at or below this path.' })
  @IsOptional()
  // Checked by the service (MALFORMED_PATH, naming what is wrong): codes separated by dots.
  @IsString()
  underPath?: string;

  @Field(() => DepartmentKindEnum, { nullable: true })
  @IsOptional()
  @IsEnum(DepartmentKindEnum)
  kind?: DepartmentKindEnum;

  @Field(() => DepartmentLevelEnum, { nullable: true })
  @IsOptional()
  @IsEnum(DepartmentLevelEnum)
  level?: DepartmentLevelEnum;
}
