import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsDate, IsEnum, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { NeedKindEnum, VisitKindEnum } from './visit.type';

@InputType()
export class NeedInput {
  @Field(() => NeedKindEnum)
  @IsEnum(NeedKindEnum)
  kind!: NeedKindEnum;

  @Field()
  @IsString()
  @Length(1, 1000)
  description!: string;
}

@InputType()
export class RecordVisitInput {
  @Field(() => ID, { nullable: true, description: 'Made by the phone: sending the same visit again (a weak network) records it once.' })
  @IsOptional()
  @IsUUID()
  id?: string;

  @Field(() => ID)
  @IsUUID()
  householdId!: string;

  @Field(() => VisitKindEnum)
  @IsEnum(VisitKindEnum)
  kind!: VisitKindEnum;

  @Field(() => Date, { nullable: true, description: 'Defaults to now.' })
  @IsOptional()
  @IsDate()
  visitedAt?: Date;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  findings?: string;

  @Field(() => [NeedInput], { defaultValue: [] })
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => NeedInput)
  needs: NeedInput[] = [];
}

@InputType()
export class RecordNeedInput extends NeedInput {
  @Field(() => ID)
  @IsUUID()
  householdId!: string;
}

@ArgsType()
export class AreaCoverageArgs {
  @Field({ description: 'The area (ltree path of codes) to sum up.' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/)
  areaPath!: string;
}
