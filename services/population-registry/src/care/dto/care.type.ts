import { AccessField, FIELDS } from '@civgrid/auth';
import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum CheckSignalEnum {
  CURTAINS_OPENED = 'CURTAINS_OPENED',
  PHONE_CALL = 'PHONE_CALL',
  APP_CHECK_IN = 'APP_CHECK_IN',
}
registerEnumType(CheckSignalEnum, { name: 'CheckSignal', description: 'The agreed sign of a good morning ("curtains open by 7:30").' });

export enum CheckStateEnum {
  PENDING = 'PENDING',
  CHECKED_IN = 'CHECKED_IN',
  OVERDUE = 'OVERDUE',
  MISSED = 'MISSED',
}
registerEnumType(CheckStateEnum, {
  name: 'CheckState',
  description: 'OVERDUE: past the deadline, within grace. MISSED: past grace, the alarm was raised.',
});

@ObjectType('WellbeingAgreement', { description: 'A daily wellbeing check agreed with a resident.' })
export class WellbeingAgreementType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  residentId!: string;

  @Field(() => CheckSignalEnum)
  signal!: CheckSignalEnum;

  @Field({ description: 'HH:MM, district time (Asia/Shanghai).' })
  deadline!: string;

  @Field(() => [Int], { description: 'ISO weekdays: 1 = Monday … 7 = Sunday.' })
  days!: number[];

  @Field(() => Int)
  graceMinutes!: number;

  @Field(() => ID, { nullable: true })
  responsibleMemberId!: string | null;

  @Field()
  active!: boolean;

  /** Encrypted contacts; read through the `contacts` field. */
  contactsCipher!: Buffer | null;
}

@ObjectType('WellbeingContact')
export class WellbeingContactType {
  @AccessField(FIELDS.registry.phone, () => String, { description: 'Masked (王*) unless your role needs it and you state a purpose.' })
  name!: string;

  @Field()
  relation!: string;

  @AccessField(FIELDS.registry.phone, () => String, {
    description: 'Masked (138****5678) unless your role needs it and you state a purpose.',
  })
  phone!: string;
}

@ObjectType('WellbeingCheckIn')
export class WellbeingCheckInType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  agreementId!: string;

  @Field({ description: 'The district day it counts for, YYYY-MM-DD.' })
  day!: string;

  @Field()
  at!: Date;

  @Field(() => CheckSignalEnum, { description: 'APP_CHECK_IN when the resident checked in from their phone.' })
  signal!: CheckSignalEnum;
}

@ObjectType('CheckInToken', {
  description:
    "For the resident's own phone: POST /wellbeing/check-in with { token } records today's check-in. Issuing a new one revokes the old.",
})
export class CheckInTokenType {
  @Field(() => ID)
  agreementId!: string;

  @Field()
  token!: string;
}

@ObjectType('WellbeingCheckDue', { description: "Today's check of one resident, for the grid member's morning round." })
export class WellbeingCheckDueType {
  @Field(() => WellbeingAgreementType)
  agreement!: WellbeingAgreementType;

  @Field({ description: 'Deadline today as an instant.' })
  deadlineAt!: Date;

  @Field(() => CheckStateEnum)
  state!: CheckStateEnum;

  @Field(() => Date, { nullable: true })
  checkedInAt!: Date | null;

  residentId!: string;
}
