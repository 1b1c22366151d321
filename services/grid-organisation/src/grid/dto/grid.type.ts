import { Directive, Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@civgrid/service-kit';
import { GeoJsonPolygonType } from './coverage.type';

export enum GridKindEnum {
  TOTAL = 'TOTAL',
  BASIC = 'BASIC',
  MICRO = 'MICRO',
}
registerEnumType(GridKindEnum, {
  name: 'GridKind',
  description: 'Total grid (总网格) of a village or community, basic grid, or micro grid (a building, a lane).',
});

export enum GridStatusEnum {
  ACTIVE = 'ACTIVE',
  RETIRED = 'RETIRED',
}
registerEnumType(GridStatusEnum, { name: 'GridStatus' });

@ObjectType('Grid', { description: 'A grid looked after by grid members.' })
@Directive('@key(fields: "id")')
export class GridType {
  @Field(() => ID)
  id!: string;

  @Field()
  code!: string;

  @Field()
  name!: string;

  @Field(() => GridKindEnum)
  kind!: GridKindEnum;

  @Field(() => GridStatusEnum)
  status!: GridStatusEnum;

  @Field({ description: 'ltree path: the area path, then grid codes down to this grid.' })
  path!: string;

  @Field({ description: 'First day in force (YYYY-MM-DD).' })
  effectiveFrom!: string;

  @Field(() => String, { nullable: true, description: 'Last day in force, once retired.' })
  effectiveTo!: string | null;

  @Field(() => GeoJsonPolygonType, { nullable: true, description: 'Its outline, when one was drawn.' })
  boundary!: GeoJsonPolygonType | null;

  @Field(() => String, { nullable: true, description: 'Why it was retired (retireGrid’s reason, or the reshape’s).' })
  retiredReason!: string | null;

  areaId!: string;
  parentGridId!: string | null;
}

export const GridConnection = ConnectionType(GridType, 'Grid');
