import { Directive, Field, ID, ObjectType } from '@nestjs/graphql';

/** grid-organisation's Grid, known here by its key only; this subgraph adds `disputes`. */
@ObjectType('Grid')
@Directive('@key(fields: "id")')
export class GridRef {
  @Field(() => ID)
  id!: string;

  __typename?: 'Grid';
}
