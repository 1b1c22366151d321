import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { PageArgs } from '@civgrid/service-kit';
import { GridKindEnum, GridStatusEnum } from './grid.type';

@InputType()
export class CreateGridInput {
  @Field({ description: 'Letters, digits, dash and underscore; unique in the district.' })
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'code must be 1–40 letters, digits, dashes or underscores' })
  code!: string;

  @Field()
  @IsString()
  @Length(1, 200)
  name!: string;

  @Field(() => GridKindEnum)
  @IsEnum(GridKindEnum)
  kind!: GridKindEnum;

  @Field(() => ID, { description: 'The village or community.' })
  @IsUUID()
  areaId!: string;

  @Field(() => ID, { nullable: true, description: 'The total grid (for a basic grid) or basic grid (for a micro grid).' })
  @IsOptional()
  @IsUUID()
  parentGridId?: string;
}

@ArgsType()
export class GridArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}

@ArgsType()
export class GridsArgs extends PageArgs {
  @Field({ nullable: true, description: 'Only grids at or below this path (an area or a grid).' })
  @IsOptional()
  @MaxLength(2048)
  @Matches(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, { message: 'underPath must be an ltree path' })
  underPath?: string;

  @Field(() => GridKindEnum, { nullable: true })
  @IsOptional()
  @IsEnum(GridKindEnum)
  kind?: GridKindEnum;

  @Field(() => GridStatusEnum, { nullable: true, defaultValue: GridStatusEnum.ACTIVE })
  @IsOptional()
  @IsEnum(GridStatusEnum)
  status?: GridStatusEnum;
}
