import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum GridProblemKindEnum {
  TOO_LARGE = 'TOO_LARGE',
  OVERLAPPING = 'OVERLAPPING',
  UNSTAFFED = 'UNSTAFFED',
  MEMBER_OVERLOADED = 'MEMBER_OVERLOADED',
}
registerEnumType(GridProblemKindEnum, {
  name: 'GridProblemKind',
  description: 'Grids too large (网格过大), overlapping (网格交叉), with nobody assigned (无人网格), members carrying too much (一人多网).',
});

@ObjectType('GridProblem', { description: 'One problem with the grids it concerns.' })
export class GridProblemType {
  @Field(() => GridProblemKindEnum)
  kind!: GridProblemKindEnum;

  @Field({ description: 'What is wrong, in a sentence.' })
  description!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'Households concerned (too large: of the grid; overloaded: of all the member’s grids).',
  })
  households!: number | null;

  @Field(() => [String], { description: 'Overlapping: the coverage items both grids claim.' })
  coverageKeys!: string[];

  @Field({ description: 'Overlapping: the outlines share area.' })
  boundariesOverlap!: boolean;

  gridIds!: string[];
  memberId!: string | null;
}

@ObjectType('GridHealthThresholds')
export class GridHealthThresholdsType {
  @Field(() => Int)
  maxHouseholds!: number;

  @Field(() => Int)
  maxGridsPerMember!: number;

  @Field(() => Int)
  maxHouseholdsPerMember!: number;
}

@ObjectType('GridHealthTotals', { description: 'How many problems of each kind, however many are listed.' })
export class GridHealthTotalsType {
  @Field(() => Int)
  activeGrids!: number;

  @Field(() => Int)
  tooLarge!: number;

  @Field(() => Int)
  overlapping!: number;

  @Field(() => Int)
  unstaffed!: number;

  @Field(() => Int)
  memberOverloaded!: number;
}

@ObjectType('GridHealth', { description: 'The problems of the grids under an area.' })
export class GridHealthType {
  @Field()
  areaPath!: string;

  @Field()
  checkedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'The newest household count taken into account.' })
  countsAsOf!: Date | null;

  @Field(() => GridHealthThresholdsType)
  thresholds!: GridHealthThresholdsType;

  @Field(() => GridHealthTotalsType)
  totals!: GridHealthTotalsType;

  @Field(() => [GridProblemType], { description: 'Up to `limit` problems of each kind.' })
  problems!: GridProblemType[];
}

@ObjectType('GridPopulationCounts', { description: 'Household and resident counts as the population registry last reported them.' })
export class GridPopulationCountsType {
  @Field(() => Int)
  households!: number;

  @Field(() => Int)
  residents!: number;

  @Field()
  asOf!: Date;

  gridId!: string;
}
