import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { PageArgs } from '@civgrid/service-kit';
import { GeoJsonPolygonInput } from '../grid/dto/coverage.type';

const CODE = /^[A-Za-z0-9_-]{1,40}$/;
const CODE_MESSAGE = 'code must be 1–40 letters, digits, dashes or underscores';

@InputType()
export class SplitPartInput {
  @Field()
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;

  @Field()
  @IsString()
  @Length(1, 200)
  name!: string;

  @Field(() => [String], { description: 'Keys of the coverage items (e.g. BUILDING:3号楼) this part takes.' })
  @ArrayMaxSize(500)
  @IsString({ each: true })
  coverageKeys!: string[];

  @Field(() => [ID], { nullable: true, description: 'Active grids below the old grid that move under this part.' })
  @IsOptional()
  @IsUUID('all', { each: true })
  childGridIds?: string[];

  @Field(() => GeoJsonPolygonInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => GeoJsonPolygonInput)
  boundary?: GeoJsonPolygonInput;

  @Field(() => ID, { nullable: true, description: 'Make this member the grid leader of the new grid.' })
  @IsOptional()
  @IsUUID()
  leaderMemberId?: string;
}

@InputType()
export class SplitGridInput {
  @Field(() => ID)
  @IsUUID()
  gridId!: string;

  @Field()
  @IsString()
  @Length(1, 500)
  reason!: string;

  @Field(() => [SplitPartInput])
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => SplitPartInput)
  parts!: SplitPartInput[];
}

@InputType()
export class MergeGridsInput {
  @Field(() => [ID])
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  gridIds!: string[];

  @Field({ description: 'Code of the merged grid.' })
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;

  @Field()
  @IsString()
  @Length(1, 200)
  name!: string;

  @Field()
  @IsString()
  @Length(1, 500)
  reason!: string;

  @Field(() => GeoJsonPolygonInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => GeoJsonPolygonInput)
  boundary?: GeoJsonPolygonInput;

  @Field(() => ID, { nullable: true, description: 'Make this member the grid leader of the merged grid.' })
  @IsOptional()
  @IsUUID()
  leaderMemberId?: string;
}

@InputType()
export class MoveCoverageInput {
  @Field(() => ID)
  @IsUUID()
  fromGridId!: string;

  @Field(() => ID)
  @IsUUID()
  toGridId!: string;

  @Field(() => [String], { description: 'Keys of the coverage items to move (e.g. BUILDING:3号楼).' })
  @ArrayMaxSize(500)
  @IsString({ each: true })
  coverageKeys!: string[];

  @Field()
  @IsString()
  @Length(1, 500)
  reason!: string;
}

@ArgsType()
export class GridReshapesArgs extends PageArgs {
  @Field({ nullable: true, description: 'Reshapes of villages at or below this path.' })
  @IsOptional()
  // Checked by the service (MALFORMED_PATH, naming what is wrong): codes separated by dots.
  @IsString()
  underPath?: string;

  @Field(() => ID, { nullable: true, description: 'Reshapes that retired, created or moved coverage of this grid.' })
  @IsOptional()
  @IsUUID()
  gridId?: string;
}
