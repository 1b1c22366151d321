import { Directive, Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@civgrid/service-kit';

export enum IncidentCategoryEnum {
  PUBLIC_SAFETY = 'PUBLIC_SAFETY',
  ENVIRONMENT_SANITATION = 'ENVIRONMENT_SANITATION',
  INFRASTRUCTURE = 'INFRASTRUCTURE',
  PROPERTY_MANAGEMENT = 'PROPERTY_MANAGEMENT',
  DISPUTE = 'DISPUTE',
  SOCIAL_ASSISTANCE = 'SOCIAL_ASSISTANCE',
  CARE_ALERT = 'CARE_ALERT',
  OTHER = 'OTHER',
}
registerEnumType(IncidentCategoryEnum, { name: 'IncidentCategory' });

export enum IncidentPriorityEnum {
  LOW = 'LOW',
  NORMAL = 'NORMAL',
  HIGH = 'HIGH',
  URGENT = 'URGENT',
}
registerEnumType(IncidentPriorityEnum, { name: 'IncidentPriority' });

export enum IncidentStatusEnum {
  REPORTED = 'REPORTED',
}
registerEnumType(IncidentStatusEnum, { name: 'IncidentStatus', description: 'Where an incident stands in its workflow.' });

export enum IncidentSourceEnum {
  GRID_PATROL = 'GRID_PATROL',
  RESIDENT_REPORT = 'RESIDENT_REPORT',
  HOTLINE = 'HOTLINE',
  OPEN311 = 'OPEN311',
  WELLBEING_ALERT = 'WELLBEING_ALERT',
}
registerEnumType(IncidentSourceEnum, {
  name: 'IncidentSource',
  description: 'Found on a grid patrol, told by a resident, phoned in, filed through Open311, or raised by a missed wellbeing check.',
});

@ObjectType('Incident', { description: 'Something that went wrong in a grid, as a grid member or resident reported it.' })
@Directive('@key(fields: "id")')
export class IncidentType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'DY-<year>-<6 digits>: the number people quote.' })
  number!: string;

  @Field()
  title!: string;

  @Field()
  description!: string;

  @Field(() => IncidentCategoryEnum)
  category!: IncidentCategoryEnum;

  @Field(() => IncidentPriorityEnum)
  priority!: IncidentPriorityEnum;

  @Field(() => IncidentStatusEnum)
  status!: IncidentStatusEnum;

  @Field(() => IncidentSourceEnum)
  source!: IncidentSourceEnum;

  @Field(() => GraphQLISODateTime)
  reportedAt!: Date;

  gridId!: string;
  gridPath!: string;
}

export const IncidentConnection = ConnectionType(IncidentType, 'Incident');
