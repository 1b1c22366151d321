import { Directive, Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@civgrid/service-kit';

export enum RegistrationTypeEnum {
  PERMANENT = 'PERMANENT',
  RESIDENT_NOT_REGISTERED = 'RESIDENT_NOT_REGISTERED',
  FLOATING = 'FLOATING',
}
registerEnumType(RegistrationTypeEnum, {
  name: 'RegistrationType',
  description: 'Permanent (户籍), resident but not registered (常住), or floating (流动).',
});

@ObjectType('Household', { description: 'A household (户) living in one dwelling.' })
@Directive('@key(fields: "id")')
export class HouseholdType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The household number (户号).' })
  number!: string;

  @Field(() => RegistrationTypeEnum)
  registrationType!: RegistrationTypeEnum;

  @Field()
  createdAt!: Date;

  dwellingId!: string;
  gridId!: string;
  headResidentId!: string | null;
}

@ObjectType('HouseholdMembership', { description: 'A resident joining (and perhaps leaving) a household.' })
export class HouseholdMembershipType {
  @Field(() => ID)
  residentId!: string;

  @Field({ description: 'Relation to the household head (户主, 配偶, 子, …).' })
  relation!: string;

  @Field()
  joinedAt!: Date;

  @Field()
  joinedReason!: string;

  @Field(() => Date, { nullable: true })
  leftAt!: Date | null;

  @Field(() => String, { nullable: true })
  leftReason!: string | null;
}

export const HouseholdConnection = ConnectionType(HouseholdType, 'Household');
