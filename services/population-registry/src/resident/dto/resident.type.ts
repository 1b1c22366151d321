import { Directive, Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@civgrid/service-kit';

export enum ResidentStatusEnum {
  ACTIVE = 'ACTIVE',
  MOVED_OUT = 'MOVED_OUT',
  DECEASED = 'DECEASED',
}
registerEnumType(ResidentStatusEnum, { name: 'ResidentStatus' });

export enum SexEnum {
  MALE = 'MALE',
  FEMALE = 'FEMALE',
}
registerEnumType(SexEnum, { name: 'Sex', description: 'As recorded in the national ID number (its 17th digit).' });

export enum PopulationTagEnum {
  ELDERLY_LIVING_ALONE = 'ELDERLY_LIVING_ALONE',
  EMPTY_NEST_ELDERLY = 'EMPTY_NEST_ELDERLY',
  DISABLED = 'DISABLED',
  LEFT_BEHIND_CHILD = 'LEFT_BEHIND_CHILD',
  LOW_INCOME = 'LOW_INCOME',
  SPECIAL_HARDSHIP = 'SPECIAL_HARDSHIP',
  OTHER = 'OTHER',
}
registerEnumType(PopulationTagEnum, { name: 'PopulationTag', description: 'Key-population tags (重点人群).' });

@ObjectType('Resident', {
  description:
    'A person registered in a household. ID number and phone are masked unless asked for with a purpose by a role that needs them.',
})
@Directive('@key(fields: "id")')
export class ResidentType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'Relation to the household head (户主, 配偶, 子, …).' })
  relation!: string;

  @Field({ description: 'YYYY-MM-DD, derived from the national ID number.' })
  birthDate!: string;

  @Field(() => SexEnum)
  sex!: SexEnum;

  @Field(() => Int, { description: 'Full years today (district time).' })
  age!: number;

  @Field(() => ResidentStatusEnum)
  status!: ResidentStatusEnum;

  @Field()
  createdAt!: Date;

  householdId!: string;
  gridId!: string;
  nationalIdCipher!: Buffer;
  phoneCipher!: Buffer | null;
}

@ObjectType('ResidentTag')
export class ResidentTagType {
  @Field(() => ID)
  id!: string;

  @Field(() => PopulationTagEnum)
  tag!: PopulationTagEnum;

  @Field({ description: 'YYYY-MM-DD' })
  startsOn!: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; null while it holds.' })
  endsOn!: string | null;

  @Field(() => String, { nullable: true })
  note!: string | null;

  residentId!: string;
}

export const ResidentConnection = ConnectionType(ResidentType, 'Resident');
