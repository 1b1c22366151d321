import { AccessField, FIELDS } from '@civgrid/auth';
import { Directive, Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@civgrid/service-kit';
import { DisputeLevelEnum } from '../session-level';

export enum SessionStatusEnum {
  SCHEDULED = 'SCHEDULED',
  HELD = 'HELD',
  CANCELLED = 'CANCELLED',
}
registerEnumType(SessionStatusEnum, { name: 'MediationSessionStatus' });

@ObjectType('Attendance')
export class AttendanceType {
  @Field(() => ID)
  partyId!: string;

  @Field()
  present!: boolean;
}

@ObjectType('AttendanceCounts', { description: 'How many parties came to a session and how many did not, once held.' })
export class AttendanceCountsType {
  @Field(() => Int)
  present!: number;

  @Field(() => Int)
  absent!: number;
}

@ObjectType('MediationSession', { description: 'A session booked in a room for a time range; two never overlap in one room.' })
@Directive('@key(fields: "id")')
export class SessionType {
  @Field(() => ID)
  id!: string;

  @Field(() => GraphQLISODateTime)
  startsAt!: Date;

  @Field(() => GraphQLISODateTime)
  endsAt!: Date;

  @Field(() => SessionStatusEnum)
  status!: SessionStatusEnum;

  @Field(() => DisputeLevelEnum, {
    description: 'The level whose committee booked it; only sessions of the current level count for an outcome.',
  })
  level!: DisputeLevelEnum;

  @AccessField(FIELDS.dispute.words, () => String, {
    nullable: true,
    description: 'The minutes, once held; null for analysts and grid members.',
  })
  minutes!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  heldAt!: Date | null;

  @Field({ description: 'The case number of the dispute, visible to every participant.' })
  disputeNumber!: string;

  @AccessField(FIELDS.dispute.words, () => [AttendanceType], {
    nullable: true,
    description: 'Which parties came, once held; null for analysts and grid members (see attendanceCounts).',
  })
  attendance!: AttendanceType[];

  disputeId!: string;
  disputePath!: string;
  disputeGridId!: string;
  roomId!: string;
  mediatorIds!: string[];
  departmentIds!: string[];
  cursorAt!: string;
}

export const SessionConnection = ConnectionType(SessionType, 'MediationSession');
