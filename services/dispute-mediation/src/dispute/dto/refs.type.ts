import { Directive, Field, ID, ObjectType } from '@nestjs/graphql';

/** incident reporting's Incident, known here by its key; this subgraph adds `dispute`. */
@ObjectType('Incident')
@Directive('@key(fields: "id")')
export class IncidentRef {
  @Field(() => ID)
  id!: string;
}

/** population registry's Resident, by key only; this subgraph adds `disputes`. Nothing else about them is kept here. */
@ObjectType('Resident')
@Directive('@key(fields: "id")')
export class ResidentRef {
  @Field(() => ID)
  id!: string;

  __typename?: 'Resident';
}
