import { ArgsType, Field, Int } from '@nestjs/graphql';
import { IsInt, Max, Min } from 'class-validator';

/** For short lists under one parent (a town's villages, a village's grids): capped, never unbounded. */
@ArgsType()
export class LimitArgs {
  @Field(() => Int, {
    defaultValue: 100,
    description: 'At most this many (1–500); page through all with the top-level list and underPath.',
  })
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;
}
