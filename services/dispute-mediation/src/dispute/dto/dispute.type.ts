import { AccessField, FIELDS } from '@civgrid/auth';
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
  ACCEPTED = 'ACCEPTED',
  IN_MEDIATION = 'IN_MEDIATION',
  AGREEMENT_REACHED = 'AGREEMENT_REACHED',
  MEDIATION_FAILED = 'MEDIATION_FAILED',
  CLOSED = 'CLOSED',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(DisputeStatusEnum, { name: 'DisputeStatus' });

export enum DisputeActionEnum {
  ACCEPT = 'ACCEPT',
  ESCALATE = 'ESCALATE',
  START_MEDIATION = 'START_MEDIATION',
  RECORD_AGREEMENT = 'RECORD_AGREEMENT',
  RECORD_FAILURE = 'RECORD_FAILURE',
  REFER = 'REFER',
  WITHDRAW = 'WITHDRAW',
  CLOSE = 'CLOSE',
}
registerEnumType(DisputeActionEnum, { name: 'DisputeAction', description: 'A step of the dispute workflow.' });

export enum DisputeOutcomeEnum {
  AGREEMENT = 'AGREEMENT',
  REFERRED_TO_ARBITRATION = 'REFERRED_TO_ARBITRATION',
  REFERRED_TO_LITIGATION = 'REFERRED_TO_LITIGATION',
  WITHDRAWN = 'WITHDRAWN',
  FAILED = 'FAILED',
}
registerEnumType(DisputeOutcomeEnum, { name: 'DisputeOutcome' });

export enum ReferralSourceEnum {
  COURT = 'COURT',
  LETTERS_AND_CALLS = 'LETTERS_AND_CALLS',
  PUBLIC_SECURITY = 'PUBLIC_SECURITY',
  OTHER = 'OTHER',
}
registerEnumType(ReferralSourceEnum, { name: 'ReferralSource', description: 'Who referred a dispute to mediation.' });

export enum ReferralTargetEnum {
  ARBITRATION = 'ARBITRATION',
  LITIGATION = 'LITIGATION',
}
registerEnumType(ReferralTargetEnum, { name: 'ReferralTarget' });

export enum JudicialConfirmationEnum {
  REQUESTED = 'REQUESTED',
  GRANTED = 'GRANTED',
  REFUSED = 'REFUSED',
}
registerEnumType(JudicialConfirmationEnum, {
  name: 'JudicialConfirmation',
  description: 'A court confirming a mediated agreement (司法确认).',
});

export enum PartyRoleEnum {
  APPLICANT = 'APPLICANT',
  RESPONDENT = 'RESPONDENT',
  THIRD_PARTY = 'THIRD_PARTY',
  INVOLVED = 'INVOLVED',
}
registerEnumType(PartyRoleEnum, { name: 'PartyRole', description: 'INVOLVED: named by an incident, role not yet known.' });

export enum PartyKindEnum {
  RESIDENT = 'RESIDENT',
  PERSON = 'PERSON',
  ORGANISATION = 'ORGANISATION',
}
registerEnumType(PartyKindEnum, {
  name: 'PartyKind',
  description: 'A registered resident (by id only), or an outside person or organisation.',
});

export enum FollowUpFindingEnum {
  HONOURED = 'HONOURED',
  PARTLY_HONOURED = 'PARTLY_HONOURED',
  NOT_HONOURED = 'NOT_HONOURED',
}
registerEnumType(FollowUpFindingEnum, { name: 'FollowUpFinding', description: 'Was the agreement honoured?' });

@ObjectType('DisputeParty')
export class DisputePartyType {
  @Field(() => ID)
  id!: string;

  @Field(() => PartyRoleEnum)
  role!: PartyRoleEnum;

  @Field(() => PartyKindEnum)
  kind!: PartyKindEnum;

  @AccessField(FIELDS.dispute.people, () => ID, {
    nullable: true,
    description: 'For a resident: their id in the population registry; their details stay there. Null for analysts.',
  })
  residentId!: string | null;

  // `name`: a resolved field (DisputePartyResolver), hidden from analysts.
  name!: string | null;

  disputeId!: string;
}

@ObjectType('DisputeStep', { description: 'One entry of the immutable timeline: who did what, and where it left the dispute.' })
export class DisputeStepType {
  @Field(() => GraphQLISODateTime)
  at!: Date;

  @AccessField(FIELDS.dispute.people, () => String, { nullable: true, description: 'Who took the step. Null for analysts.' })
  actor!: string | null;

  @Field()
  action!: string;

  @Field(() => DisputeStatusEnum, { nullable: true })
  fromStatus!: DisputeStatusEnum | null;

  @Field(() => DisputeStatusEnum)
  toStatus!: DisputeStatusEnum;

  @Field(() => DisputeLevelEnum, { nullable: true })
  fromLevel!: DisputeLevelEnum | null;

  @Field(() => DisputeLevelEnum)
  toLevel!: DisputeLevelEnum;

  // `note`: a resolved field, hidden from analysts.
  note!: string | null;

  disputeId!: string;
}

@ObjectType('Agreement', { description: 'The mediated agreement (调解协议).' })
export class AgreementType {
  // `terms`: a resolved field (AgreementResolver), hidden from analysts.
  terms!: string;

  @Field({ description: 'The day it was signed, YYYY-MM-DD.' })
  signedOn!: string;

  @Field(() => JudicialConfirmationEnum, { nullable: true, description: 'Null until confirmation is requested.' })
  judicialConfirmation!: JudicialConfirmationEnum | null;
}

@ObjectType('FollowUpVisit', { description: 'A visit after an agreement: was it honoured?' })
export class FollowUpType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'YYYY-MM-DD' })
  visitedOn!: string;

  @Field(() => FollowUpFindingEnum)
  finding!: FollowUpFindingEnum;

  // `note`: a resolved field, hidden from analysts.
  note!: string | null;

  @AccessField(FIELDS.dispute.people, () => String, { nullable: true, description: 'Who visited. Null for analysts.' })
  recordedBy!: string | null;

  disputeId!: string;
}

@ObjectType('Dispute', { description: 'A dispute brought to mediation.' })
@Directive('@key(fields: "id")')
export class DisputeType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Case number, TJ-<year>-<6 digits>.' })
  number!: string;

  @Field(() => DisputeKindEnum)
  kind!: DisputeKindEnum;

  // `summary`: a resolved field (DisputeResolver), hidden from analysts.
  summary!: string;

  @Field(() => DisputeOriginEnum)
  origin!: DisputeOriginEnum;

  @Field(() => ID, { nullable: true, description: 'The incident it came from, when origin is INCIDENT.' })
  originIncidentId!: string | null;

  @Field(() => DisputeLevelEnum)
  level!: DisputeLevelEnum;

  @Field(() => DisputeStatusEnum)
  status!: DisputeStatusEnum;

  @AccessField(FIELDS.dispute.people, () => String, { nullable: true, description: 'The user who registered it. Null for analysts.' })
  registeredBy!: string | null;

  @Field(() => GraphQLISODateTime)
  registeredAt!: Date;

  @Field(() => ReferralSourceEnum, { nullable: true, description: 'Who referred it, when origin is REFERRAL.' })
  referredBy!: ReferralSourceEnum | null;

  @Field(() => DisputeOutcomeEnum, { nullable: true, description: 'Set when the dispute is closed or withdrawn.' })
  outcome!: DisputeOutcomeEnum | null;

  @Field(() => AgreementType, { nullable: true })
  agreement!: AgreementType | null;

  @Field(() => ReferralTargetEnum, { nullable: true, description: 'Where it was sent when mediation could not settle it.' })
  referredTo!: ReferralTargetEnum | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  closedAt!: Date | null;

  @Field(() => [DisputeActionEnum], { description: 'The steps the workflow allows from here (your role may still refuse some).' })
  nextActions!: DisputeActionEnum[];

  gridId!: string;
  gridPath!: string;
  committeeId!: string | null;
}

export const DisputeConnection = ConnectionType(DisputeType, 'Dispute');
