import { Directive, Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@civgrid/service-kit';

export enum DisputeKindEnum {
  FAMILY = 'FAMILY',
  NEIGHBOURHOOD = 'NEIGHBOURHOOD',
  PROPERTY_MANAGEMENT = 'PROPERTY_MANAGEMENT',
  HOUSING_SALES = 'HOUSING_SALES',
  LAND_REQUISITION = 'LAND_REQUISITION',
  LABOUR = 'LABOUR',
  CONTRACT = 'CONTRACT',
  OTHER = 'OTHER',
}
registerEnumType(DisputeKindEnum, { name: 'DisputeKind' });

export enum DisputeOriginEnum {
  INCIDENT = 'INCIDENT',
  WALK_IN = 'WALK_IN',
  REFERRAL = 'REFERRAL',
}
registerEnumType(DisputeOriginEnum, {
  name: 'DisputeOrigin',
  description: 'How the dispute came in: from a reported incident, a walk-in to a mediation room, or a referral.',
});

export enum DisputeLevelEnum {
  VILLAGE = 'VILLAGE',
  TOWN = 'TOWN',
  DISTRICT = 'DISTRICT',
}
registerEnumType(DisputeLevelEnum, {
  name: 'DisputeLevel',
  description: 'Where it is being mediated: village or community (村/社区), town or street (乡镇/街道), district (区).',
});

export enum DisputeStatusEnum {
  REGISTERED = 'REGISTERED',
}
registerEnumType(DisputeStatusEnum, { name: 'DisputeStatus' });

@ObjectType('Dispute', { description: 'A dispute brought to mediation.' })
@Directive('@key(fields: "id")')
export class DisputeType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Case number, TJ-<year>-<6 digits>.' })
  number!: string;

  @Field(() => DisputeKindEnum)
  kind!: DisputeKindEnum;

  @Field()
  summary!: string;

  @Field(() => DisputeOriginEnum)
  origin!: DisputeOriginEnum;

  @Field(() => ID, { nullable: true, description: 'The incident it came from, when origin is INCIDENT.' })
  originIncidentId!: string | null;

  @Field(() => DisputeLevelEnum)
  level!: DisputeLevelEnum;

  @Field(() => DisputeStatusEnum)
  status!: DisputeStatusEnum;

  @Field({ description: 'The user who registered it.' })
  registeredBy!: string;

  @Field(() => GraphQLISODateTime)
  registeredAt!: Date;

  gridId!: string;
  gridPath!: string;
}

export const DisputeConnection = ConnectionType(DisputeType, 'Dispute');
