import { AccessField, FIELDS } from '@civgrid/auth';
import { Directive, Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@civgrid/service-kit';

export enum WhistleDepartmentStatusEnum {
  SUMMONED = 'SUMMONED',
  REPORTED = 'REPORTED',
  REPORTED_LATE = 'REPORTED_LATE',
  OVERDUE = 'OVERDUE',
}
registerEnumType(WhistleDepartmentStatusEnum, {
  name: 'WhistleDepartmentStatus',
  description: 'Summoned and not yet due; reported in time; reported after the deadline; still silent after it.',
});

/** grid-organisation owns `Department`; this subgraph adds `Department.whistles`. */
@ObjectType('Department')
@Directive('@key(fields: "id")')
export class DepartmentRef {
  @Field(() => ID)
  id!: string;
  __typename?: 'Department';
}

@ObjectType('WhistleDepartment', { description: 'One summoned department and how it answered.' })
export class WhistleDepartmentType {
  @Field(() => DepartmentRef)
  department!: DepartmentRef;

  @Field(() => WhistleDepartmentStatusEnum)
  status!: WhistleDepartmentStatusEnum;

  @Field(() => GraphQLISODateTime, { nullable: true })
  reportedAt!: Date | null;

  @AccessField(FIELDS.whistle.people, () => String, {
    nullable: true,
    description: 'The officer account that reported. Null for analysts.',
  })
  reportedBy!: string | null;

  @AccessField(FIELDS.whistle.words, () => String, { nullable: true, description: 'Null for analysts: free text may name people.' })
  response!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Reported after the deadline; null until reported.' })
  late!: boolean | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description:
      'When the overdue job found it silent past the deadline (it then announced department-overdue); null if it reported in time.',
  })
  overdueAt!: Date | null;
}

@ObjectType('Whistle', { description: '吹哨报到: departments summoned to an incident, each to report by a deadline.' })
@Directive('@key(fields: "id")')
export class WhistleType {
  @Field(() => ID)
  id!: string;

  @AccessField(FIELDS.whistle.people, () => String, { nullable: true, description: 'The officer account that blew it. Null for analysts.' })
  blownBy!: string | null;

  @Field(() => GraphQLISODateTime)
  blownAt!: Date;

  @Field(() => GraphQLISODateTime)
  dueAt!: Date;

  @AccessField(FIELDS.whistle.words, () => String, { nullable: true, description: 'Null for analysts: free text may name people.' })
  note!: string | null;

  @Field(() => [WhistleDepartmentType])
  departments!: WhistleDepartmentType[];

  incidentId!: string;
  gridPath!: string;
  sortKey!: string;
}

export const WhistleConnection = ConnectionType(WhistleType, 'Whistle');
