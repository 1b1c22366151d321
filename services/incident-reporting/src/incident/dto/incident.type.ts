import { AccessField, FIELDS } from '@civgrid/auth';
import { Directive, Field, Float, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@civgrid/service-kit';
import {
  ESCALATION_LEVELS,
  INCIDENT_CATEGORIES,
  INCIDENT_PRIORITIES,
  INCIDENT_SOURCES,
  INCIDENT_STATUSES,
  IncidentCategory,
  IncidentPriority,
  IncidentSource,
  IncidentStatus,
} from '@civgrid/contracts';

// The GraphQL enums of the incident domain are its code lists (the event contract's, which the
// taxonomy, the workflow and the SQL use too), value for value and in their order.
const enumOf = <C extends string>(codes: readonly C[]) => Object.fromEntries(codes.map((c) => [c, c])) as { readonly [K in C]: K };

/** The taxonomy's categories (its `CATEGORIES`). */
export const IncidentCategoryEnum = enumOf(INCIDENT_CATEGORIES);
export type IncidentCategoryEnum = IncidentCategory;
registerEnumType(IncidentCategoryEnum, { name: 'IncidentCategory' });

export const IncidentPriorityEnum = enumOf(INCIDENT_PRIORITIES);
export type IncidentPriorityEnum = IncidentPriority;
registerEnumType(IncidentPriorityEnum, { name: 'IncidentPriority' });

export const IncidentStatusEnum = enumOf(INCIDENT_STATUSES);
export type IncidentStatusEnum = IncidentStatus;
registerEnumType(IncidentStatusEnum, { name: 'IncidentStatus', description: 'Where an incident stands in its workflow.' });

export const IncidentSourceEnum = enumOf(INCIDENT_SOURCES);
export type IncidentSourceEnum = IncidentSource;
registerEnumType(IncidentSourceEnum, {
  name: 'IncidentSource',
  description: 'Found on a grid patrol, told by a resident, phoned in, filed through Open311, or raised by a missed wellbeing check.',
});

export const EscalationLevelEnum = enumOf(ESCALATION_LEVELS);
export type EscalationLevelEnum = (typeof ESCALATION_LEVELS)[number];
registerEnumType(EscalationLevelEnum, {
  name: 'EscalationLevel',
  description: 'Who handles it: the grid, the village or community, the town or street, the district.',
});

export enum IncidentActionEnum {
  REPORT = 'REPORT',
  ACCEPT = 'ACCEPT',
  START = 'START',
  RESOLVE = 'RESOLVE',
  CLOSE = 'CLOSE',
  REJECT = 'REJECT',
  REOPEN = 'REOPEN',
  ASSIGN = 'ASSIGN',
  ESCALATE = 'ESCALATE',
  OVERDUE = 'OVERDUE',
}
registerEnumType(IncidentActionEnum, { name: 'IncidentAction', description: 'One entry of the timeline.' });

/** population-registry owns `Dwelling`; an incident only points at one. */
@ObjectType('Dwelling')
@Directive('@key(fields: "id")')
export class DwellingRef {
  @Field(() => ID)
  id!: string;
  __typename?: 'Dwelling';
}

@ObjectType('IncidentLocation', { description: 'Where it is: a registered dwelling, an address as written, and/or a point.' })
export class IncidentLocationType {
  @AccessField(FIELDS.incident.place, () => DwellingRef, { nullable: true, description: 'Null for analysts: finer than the grid.' })
  dwelling!: DwellingRef | null;

  @AccessField(FIELDS.incident.place, () => String, { nullable: true, description: 'Null for analysts: finer than the grid.' })
  addressText!: string | null;

  @AccessField(FIELDS.incident.place, () => Float, { nullable: true, description: 'WGS 84. Null for analysts: finer than the grid.' })
  latitude!: number | null;

  @AccessField(FIELDS.incident.place, () => Float, { nullable: true, description: 'WGS 84. Null for analysts: finer than the grid.' })
  longitude!: number | null;
}

@ObjectType('Photo', { description: 'A picture attached to an incident, stored without its location metadata.' })
export class PhotoType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'image/jpeg, image/png or image/webp, as read from the bytes.' })
  contentType!: string;

  @Field(() => Int)
  sizeBytes!: number;

  @Field({ description: 'SHA-256 of the stored bytes, hex.' })
  sha256!: string;

  @Field({ description: 'A signed link to view it, valid for about an hour.' })
  url!: string;
}

@ObjectType('IncidentTimelineEntry', { description: 'Who did what, when: written once, never changed.' })
export class IncidentTimelineEntryType {
  @Field(() => IncidentActionEnum)
  action!: IncidentActionEnum;

  @Field(() => IncidentStatusEnum, { nullable: true })
  from!: IncidentStatusEnum | null;

  @Field(() => IncidentStatusEnum)
  to!: IncidentStatusEnum;

  @AccessField(FIELDS.incident.people, () => String, {
    nullable: true,
    description: 'The account that acted, or system:<reason>. Null for analysts.',
  })
  actorId!: string | null;

  @Field(() => GraphQLISODateTime)
  at!: Date;

  @AccessField(FIELDS.incident.words, () => String, { nullable: true, description: 'Null for analysts: free text may name people.' })
  note!: string | null;
}

@ObjectType('Incident', { description: 'Something that went wrong in a grid, as a grid member or resident reported it.' })
@Directive('@key(fields: "id")')
export class IncidentType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'DY-<year>-<6 digits>: the number people quote.' })
  number!: string;

  @AccessField(FIELDS.incident.words, () => String, { nullable: true, description: 'Null for analysts: free text may name people.' })
  title!: string | null;

  @AccessField(FIELDS.incident.words, () => String, { nullable: true, description: 'Null for analysts: free text may name people.' })
  description!: string | null;

  @Field(() => IncidentCategoryEnum)
  category!: IncidentCategoryEnum;

  @Field(() => String, { nullable: true, description: 'A code from the category taxonomy (incidentCategories).' })
  subcategory!: string | null;

  @Field(() => IncidentPriorityEnum)
  priority!: IncidentPriorityEnum;

  @Field(() => IncidentStatusEnum)
  status!: IncidentStatusEnum;

  @Field(() => IncidentSourceEnum)
  source!: IncidentSourceEnum;

  @Field(() => GraphQLISODateTime)
  reportedAt!: Date;

  @AccessField(FIELDS.incident.people, () => String, {
    nullable: true,
    description: 'The account that reported it (system:<source> for automatic reports). Null for analysts.',
  })
  reportedBy!: string | null;

  @AccessField(FIELDS.incident.people, () => String, {
    nullable: true,
    description: 'The account now responsible for it. Null for analysts.',
  })
  assigneeId!: string | null;

  @Field({ description: 'The grid path (ltree) where it happened.' })
  gridPath!: string;

  @Field(() => IncidentLocationType)
  location!: IncidentLocationType;

  @Field(() => EscalationLevelEnum)
  escalationLevel!: EscalationLevelEnum;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Accept by then (service level of the category).' })
  acceptDueAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Resolve by then.' })
  resolveDueAt!: Date | null;

  @Field({
    description:
      'A deadline is missed now: not accepted past the accept deadline, or not resolved past the resolve deadline. ' +
      'Accepting late ends the first; resolving, closing or rejecting ends both.',
  })
  overdue!: boolean;

  @AccessField(FIELDS.incident.words, () => String, { nullable: true, description: 'Null for analysts: free text may name people.' })
  rejectionReason!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  resolvedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  closedAt!: Date | null;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;

  @AccessField(FIELDS.incident.people, () => ID, {
    nullable: true,
    description: 'For a care alert: the wellbeing-check agreement whose check was missed (population registry). Null for analysts.',
  })
  wellbeingAgreementId!: string | null;

  gridId!: string;
  reporterResidentId!: string | null;
  subjectResidentId!: string | null;
  photoIds!: string[];
}

export const IncidentConnection = ConnectionType(IncidentType, 'Incident');

@ObjectType('IncidentServiceLevel')
export class ServiceLevelType {
  @Field(() => Int)
  acceptMinutes!: number;

  @Field(() => Int)
  resolveMinutes!: number;

  @Field({ description: 'A missed deadline moves the incident up one level.' })
  autoEscalate!: boolean;
}

@ObjectType('IncidentCategoryDefinition', { description: 'A category of the taxonomy, its subcategories and service level.' })
export class CategoryDefinitionType {
  @Field(() => IncidentCategoryEnum)
  category!: IncidentCategoryEnum;

  @Field()
  name!: string;

  @Field(() => [String])
  subcategories!: string[];

  @Field(() => ServiceLevelType)
  serviceLevel!: ServiceLevelType;
}

@ObjectType('ResolvedInTheBud', { description: 'How much was settled at grid level, without escalation, in an area and period.' })
export class ResolvedInTheBudType {
  @Field()
  areaPath!: string;

  @Field(() => GraphQLISODateTime)
  from!: Date;

  @Field(() => GraphQLISODateTime)
  to!: Date;

  @Field(() => Int, { description: 'Incidents resolved in the period.' })
  resolved!: number;

  @Field(() => Int, { description: 'Of those, resolved without ever leaving the grid level.' })
  resolvedAtGrid!: number;

  @Field(() => Float, { nullable: true, description: 'resolvedAtGrid / resolved; null when nothing was resolved.' })
  share!: number | null;
}
