import { Directive, Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@civgrid/service-kit';

export enum DepartmentKindEnum {
  COURT = 'COURT',
  PROCURATORATE = 'PROCURATORATE',
  JUDICIAL_BUREAU = 'JUDICIAL_BUREAU',
  HOUSING_CONSTRUCTION_BUREAU = 'HOUSING_CONSTRUCTION_BUREAU',
  LETTERS_CALLS_BUREAU = 'LETTERS_CALLS_BUREAU',
  PUBLIC_SECURITY = 'PUBLIC_SECURITY',
  CIVIL_AFFAIRS = 'CIVIL_AFFAIRS',
  HUMAN_RESOURCES_SOCIAL_SECURITY = 'HUMAN_RESOURCES_SOCIAL_SECURITY',
  NATURAL_RESOURCES = 'NATURAL_RESOURCES',
  MARKET_REGULATION = 'MARKET_REGULATION',
  OTHER = 'OTHER',
}
registerEnumType(DepartmentKindEnum, {
  name: 'DepartmentKind',
  description: 'Court (法院), judicial bureau (司法局), housing and construction bureau (住建局), letters and calls bureau (信访局), …',
});

export enum DepartmentLevelEnum {
  DISTRICT = 'DISTRICT',
  TOWN = 'TOWN',
}
registerEnumType(DepartmentLevelEnum, { name: 'DepartmentLevel' });

@ObjectType('Department', { description: 'A department that answers whistles and takes part in mediation.' })
@Directive('@key(fields: "id")')
export class DepartmentType {
  @Field(() => ID)
  id!: string;

  @Field()
  code!: string;

  @Field()
  name!: string;

  @Field(() => DepartmentKindEnum)
  kind!: DepartmentKindEnum;

  @Field(() => DepartmentLevelEnum)
  level!: DepartmentLevelEnum;

  @Field({ description: 'Path of the district or town it serves.' })
  areaPath!: string;

  @Field(() => String, { nullable: true, description: 'Office telephone (an institution’s, not a person’s).' })
  contactPhone!: string | null;

  @Field(() => String, { nullable: true })
  address!: string | null;

  areaId!: string;
}

export const DepartmentConnection = ConnectionType(DepartmentType, 'Department');
