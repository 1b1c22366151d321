import { Directive, Field, ID, ObjectType } from '@nestjs/graphql';

/** grid-organisation's Grid, as far as this subgraph knows it: the key, and the fields it adds. */
@ObjectType('Grid')
@Directive('@key(fields: "id")')
export class GridRef {
  @Field(() => ID)
  id!: string;

  __typename?: 'Grid';
}

export const gridStub = (id: string): GridRef => ({ __typename: 'Grid', id });
