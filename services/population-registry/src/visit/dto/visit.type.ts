import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum VisitKindEnum {
  ROUTINE_QUARTERLY = 'ROUTINE_QUARTERLY',
  FOLLOW_UP = 'FOLLOW_UP',
  CARE = 'CARE',
}
registerEnumType(VisitKindEnum, {
  name: 'VisitKind',
  description: 'Door-to-door visits (走访): the quarterly round, a follow-up, or a care visit.',
});

export enum NeedKindEnum {
  BUY_GROCERIES = 'BUY_GROCERIES',
  PRINT_HEALTH_CODE = 'PRINT_HEALTH_CODE',
  MEDICAL_ESCORT = 'MEDICAL_ESCORT',
  POLICY_QUESTION = 'POLICY_QUESTION',
  OTHER = 'OTHER',
}
registerEnumType(NeedKindEnum, { name: 'NeedKind' });

export enum NeedStatusEnum {
  OPEN = 'OPEN',
  MET = 'MET',
}
registerEnumType(NeedStatusEnum, { name: 'NeedStatus' });

@ObjectType('Need', { description: 'Something a household asked for (诉求), and who met it.' })
export class NeedType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  householdId!: string;

  @Field(() => ID, { nullable: true })
  visitId!: string | null;

  @Field(() => NeedKindEnum)
  kind!: NeedKindEnum;

  @Field()
  description!: string;

  @Field(() => NeedStatusEnum)
  status!: NeedStatusEnum;

  @Field()
  recordedBy!: string;

  @Field()
  recordedAt!: Date;

  @Field(() => String, { nullable: true })
  metBy!: string | null;

  @Field(() => Date, { nullable: true })
  metAt!: Date | null;
}

@ObjectType('HouseholdVisit')
export class HouseholdVisitType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  householdId!: string;

  @Field({ description: 'The user who knocked on the door.' })
  visitor!: string;

  @Field()
  visitedAt!: Date;

  @Field(() => VisitKindEnum)
  kind!: VisitKindEnum;

  @Field(() => String, { nullable: true })
  findings!: string | null;

  @Field(() => [NeedType])
  needs!: NeedType[];

  gridId!: string;
}

@ObjectType('VisitCoverage', { description: 'Households visited at least once in the current quarter (district time).' })
export class VisitCoverageType {
  @Field({ description: 'e.g. 2026Q4' })
  quarter!: string;

  @Field(() => Int)
  households!: number;

  @Field(() => Int)
  visited!: number;

  @Field(() => Float, { description: 'visited / households, 0 when there are none.' })
  share!: number;

  gridId!: string;
  from!: Date;
  to!: Date;
}

@ObjectType('AreaVisitCoverage')
export class AreaVisitCoverageType {
  @Field()
  areaPath!: string;

  @Field()
  quarter!: string;

  @Field(() => Int)
  households!: number;

  @Field(() => Int)
  visited!: number;

  @Field(() => Float)
  share!: number;

  @Field(() => [GridVisitCoverageType], { description: 'Each grid in reach under the area, least covered first.' })
  grids!: GridVisitCoverageType[];
}

@ObjectType('GridVisitCoverage')
export class GridVisitCoverageType {
  @Field(() => ID)
  gridId!: string;

  @Field(() => Int)
  households!: number;

  @Field(() => Int)
  visited!: number;

  @Field(() => Float)
  share!: number;
}
