import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@civgrid/service-kit';
import { CoverageKindEnum } from '../grid/dto/coverage.type';

export enum ReshapeKindEnum {
  SPLIT = 'SPLIT',
  MERGE = 'MERGE',
  MOVE = 'MOVE',
}
registerEnumType(ReshapeKindEnum, {
  name: 'ReshapeKind',
  description: 'A grid split into several, grids merged into one, or coverage moved between grids.',
});

@ObjectType('CoverageMove', { description: 'Where one building or street went.' })
export class CoverageMoveType {
  @Field()
  key!: string;

  @Field(() => CoverageKindEnum)
  kind!: CoverageKindEnum;

  @Field()
  name!: string;

  fromGridId!: string;
  toGridId!: string;
}

@ObjectType('GridReshape', { description: 'One reshaping of a village’s grids, kept for history.' })
export class GridReshapeType {
  @Field(() => ID)
  id!: string;

  @Field(() => ReshapeKindEnum)
  kind!: ReshapeKindEnum;

  @Field()
  reason!: string;

  @Field({ description: 'Who reshaped (their user account).' })
  actor!: string;

  @Field()
  at!: Date;

  @Field({ description: 'Path of the village or community.' })
  areaPath!: string;

  fromGridIds!: string[];
  toGridIds!: string[];
  /** `at` as its cursor keeps it (microseconds). */
  atCursor?: string;
}

export const GridReshapeConnection = ConnectionType(GridReshapeType, 'GridReshape');
export const CoverageMoveConnection = ConnectionType(CoverageMoveType, 'CoverageMove');
