import { Directive, Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@civgrid/service-kit';
import { DisputeLevelEnum } from '../dispute/dto/dispute.type';

export enum RoomKindEnum {
  JUDGE_STUDIO = 'JUDGE_STUDIO',
  MEDIATION_ROOM = 'MEDIATION_ROOM',
  ARBITRATION_ROOM = 'ARBITRATION_ROOM',
  WARM_TALK_ROOM = 'WARM_TALK_ROOM',
  OTHER = 'OTHER',
}
registerEnumType(RoomKindEnum, {
  name: 'RoomKind',
  description: 'Judge studio (法官工作室), mediation room, arbitration room, warm-talk room (暖心说事室).',
});

@ObjectType('MediationCommittee', {
  description: 'A "negotiation for the people" committee of a village or community, a town or street, or the district.',
})
@Directive('@key(fields: "id")')
export class CommitteeType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => DisputeLevelEnum)
  level!: DisputeLevelEnum;

  @Field({ description: 'The area it serves, as an ltree path.' })
  areaPath!: string;
}

export const CommitteeConnection = ConnectionType(CommitteeType, 'MediationCommittee');

@ObjectType('Mediator', { description: 'A mediator of a committee, such as Lao Wang of "Lao Wang\'s mediation room".' })
@Directive('@key(fields: "id")')
export class MediatorType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => [String], { description: 'What they are good at: family, neighbourhood, property, land…' })
  specialties!: string[];

  @Field(() => String, { nullable: true, description: 'The login that acts as this mediator, if they use the system themselves.' })
  userId!: string | null;

  @Field()
  active!: boolean;

  committeeId!: string;
  roomId!: string | null;
}

export const MediatorConnection = ConnectionType(MediatorType, 'Mediator');

@ObjectType('Room', { description: "A room where sessions are held: in a centre, or a committee's own named room." })
@Directive('@key(fields: "id")')
export class RoomType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => RoomKindEnum)
  kind!: RoomKindEnum;

  @Field()
  areaPath!: string;

  centreId!: string | null;
  committeeId!: string | null;
}

@ObjectType('MediationCentre', { description: "A multi-department centre, e.g. the district's property-dispute centre." })
@Directive('@key(fields: "id")')
export class CentreType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  areaPath!: string;

  departmentIds!: string[];
}

export const CentreConnection = ConnectionType(CentreType, 'MediationCentre');

/** grid-organisation's Department, by key; this subgraph adds `mediationSessions`. */
@ObjectType('Department')
@Directive('@key(fields: "id")')
export class DepartmentRef {
  @Field(() => ID)
  id!: string;

  __typename?: 'Department';
}
