import { ArgsType, Field, Int } from '@nestjs/graphql';
import { IsEnum, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { GridProblemKindEnum } from './health.type';

@ArgsType()
export class GridHealthArgs {
  @Field({ description: 'The district, town, village or grid to check.' })
  // Checked by the service (MALFORMED_PATH, naming what is wrong): codes separated by dots.
  @IsString()
  areaPath!: string;

  @Field(() => [GridProblemKindEnum], { nullable: true, description: 'Only these kinds (default: all).' })
  @IsOptional()
  @IsEnum(GridProblemKindEnum, { each: true })
  kinds?: GridProblemKindEnum[];

  @Field(() => Int, { defaultValue: 100, description: 'At most this many problems of each kind (1–1000).' })
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;
}
