import { Directive, Field, ID, ObjectType } from '@nestjs/graphql';

/** population-registry owns `Resident`; this subgraph adds `Resident.reportedIncidents`. */
@ObjectType('Resident')
@Directive('@key(fields: "id")')
export class ResidentRef {
  @Field(() => ID)
  id!: string;
  __typename?: 'Resident';
}
