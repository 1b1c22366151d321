import { Directive, Field, ID, ObjectType } from '@nestjs/graphql';

/**
 * grid-organisation owns `Grid`; this subgraph knows only its key and adds `Grid.incidents`.
 * Key fields are shareable in Federation 2, so `id` composes with the owner's.
 */
@ObjectType('Grid')
@Directive('@key(fields: "id")')
export class GridRef {
  @Field(() => ID)
  id!: string;

  __typename?: 'Grid';
}
