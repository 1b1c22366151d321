import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsEnum, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { PageArgs } from '@civgrid/service-kit';
import { CoverageItemInput, GeoJsonPolygonInput } from './coverage.type';
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

  @Field(() => [CoverageItemInput], { nullable: true, description: 'Buildings or streets it looks after.' })
  @IsOptional()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => CoverageItemInput)
  coverage?: CoverageItemInput[];

  @Field(() => GeoJsonPolygonInput, { nullable: true, description: 'Its outline.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => GeoJsonPolygonInput)
  boundary?: GeoJsonPolygonInput;
}

@InputType()
export class UpdateGridInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @Field(() => [CoverageItemInput], {
    nullable: true,
    description:
      'The whole coverage, with items added. Items can only be added, and only ones no other active grid of the village covers: to remove or hand items to another grid use moveCoverage, splitGrid or mergeGrids (they keep the history).',
  })
  @IsOptional()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => CoverageItemInput)
  coverage?: CoverageItemInput[];

  @Field(() => GeoJsonPolygonInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => GeoJsonPolygonInput)
  boundary?: GeoJsonPolygonInput;

  @Field({ nullable: true, description: 'True removes the outline.' })
  @IsOptional()
  @IsBoolean()
  clearBoundary?: boolean;
}

@InputType()
export class RetireGridInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field({ description: 'Why, for the history.' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

@ArgsType()
export class GridArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}

@ArgsType()
export class GridByCodeArgs {
  @Field()
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'code must be 1–40 letters, digits, dashes or underscores' })
  code!: string;
}

@ArgsType()
export class GridsArgs extends PageArgs {
  @Field({ nullable: true, description: 'Only grids at or below this path (an area or a grid).' })
  @IsOptional()
  // Checked by the service (MALFORMED_PATH, naming what is wrong): codes separated by dots.
  @IsString()
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
