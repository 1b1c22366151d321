import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { IsBoolean, IsEnum, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageArgs } from '@civgrid/service-kit';
import { AreaLevelEnum } from './area.type';

@InputType()
export class CreateAreaInput {
  @Field({ description: '12-digit statistical division code.' })
  @Matches(/^[0-9]{12}$/, { message: 'code must be 12 digits' })
  code!: string;

  @Field()
  @IsString()
  @Length(1, 200)
  name!: string;

  @Field(() => ID, { nullable: true, description: 'Omit only for a district.' })
  @IsOptional()
  @IsUUID()
  parentId?: string;

  @Field({ defaultValue: false, description: 'Street or community rather than town or village.' })
  @IsBoolean()
  urban: boolean = false;
}

@ArgsType()
export class AreaArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}

@ArgsType()
export class AreaByCodeArgs {
  @Field()
  @Matches(/^[0-9]{12}$/, { message: 'code must be 12 digits' })
  code!: string;
}

@ArgsType()
export class AreaByPathArgs {
  @Field({ description: 'e.g. 370911000000.370911001000: the codes from the district down.' })
  // Checked by the service (MALFORMED_PATH, naming what is wrong).
  @IsString()
  path!: string;
}

@ArgsType()
export class AreasArgs extends PageArgs {
  @Field({ nullable: true, description: 'Only areas at or below this path.' })
  @IsOptional()
  // Checked by the service (MALFORMED_PATH, naming what is wrong): codes separated by dots.
  @IsString()
  underPath?: string;

  @Field(() => AreaLevelEnum, { nullable: true })
  @IsOptional()
  @IsEnum(AreaLevelEnum)
  level?: AreaLevelEnum;
}

@InputType()
export class RenameAreaInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field()
  @IsString()
  @Length(1, 200)
  name!: string;
}
