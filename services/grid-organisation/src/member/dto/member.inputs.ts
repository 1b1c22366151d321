import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { IsBoolean, IsDate, IsEnum, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageArgs } from '@civgrid/service-kit';
import { AssignmentRoleEnum, EmploymentEnum } from './member.type';

@InputType()
export class RegisterGridMemberInput {
  @Field()
  @IsString()
  @Length(1, 100)
  name!: string;

  @Field({ description: 'Stored encrypted; shown masked unless the reader needs it.' })
  @IsString()
  @Length(5, 30)
  phone!: string;

  @Field(() => EmploymentEnum)
  @IsEnum(EmploymentEnum)
  employment!: EmploymentEnum;

  @Field(() => ID, { description: 'The town or village (community) the member works for.' })
  @IsUUID()
  areaId!: string;

  @Field({ nullable: true, description: 'Their user account (token subject), to link their sign-in to this record.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  userId?: string;
}

@InputType()
export class AssignGridMemberInput {
  @Field(() => ID)
  @IsUUID()
  memberId!: string;

  @Field(() => ID)
  @IsUUID()
  gridId!: string;

  @Field(() => AssignmentRoleEnum)
  @IsEnum(AssignmentRoleEnum)
  role!: AssignmentRoleEnum;

  @Field({ nullable: true, description: 'Defaults to now.' })
  @IsOptional()
  @IsDate()
  from?: Date;
}

@InputType()
export class EndGridAssignmentInput {
  @Field(() => ID)
  @IsUUID()
  assignmentId!: string;

  @Field({ nullable: true, description: 'Defaults to now.' })
  @IsOptional()
  @IsDate()
  at?: Date;
}

@ArgsType()
export class AssignmentsArgs extends PageArgs {
  @Field({ defaultValue: true, description: 'Only those in force now; false for the whole history.' })
  @IsBoolean()
  current: boolean = true;
}

@ArgsType()
export class GridMemberArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}

@ArgsType()
export class GridMembersArgs extends PageArgs {
  @Field({ nullable: true, description: 'Members registered at or below this area path.' })
  @IsOptional()
  // Checked by the service (MALFORMED_PATH, naming what is wrong): codes separated by dots.
  @IsString()
  underPath?: string;

  @Field(() => ID, { nullable: true, description: 'Members currently assigned to this grid.' })
  @IsOptional()
  @IsUUID()
  gridId?: string;

  @Field({ nullable: true, description: 'Exact phone number, found through its keyed hash (officers only).' })
  @IsOptional()
  @IsString()
  @Length(5, 30)
  phone?: string;
}
