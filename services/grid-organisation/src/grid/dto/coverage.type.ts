import { Field, Float, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, Equals, IsArray, IsEnum, IsString, Length } from 'class-validator';

export enum CoverageKindEnum {
  BUILDING = 'BUILDING',
  STREET = 'STREET',
  LANE = 'LANE',
  COURTYARD = 'COURTYARD',
  OTHER = 'OTHER',
}
registerEnumType(CoverageKindEnum, {
  name: 'CoverageKind',
  description: 'A building or courtyard in a city; a street or lane in a village.',
});

@ObjectType('CoverageItem', { description: 'One thing a grid looks after.' })
export class CoverageItemType {
  @Field(() => CoverageKindEnum)
  kind!: CoverageKindEnum;

  @Field({ description: 'e.g. 3号楼, 幸福路, 东巷.' })
  name!: string;

  @Field({ description: 'KIND:name, unique within a village or community; used to move items when reshaping.' })
  key!: string;
}

@InputType()
export class CoverageItemInput {
  @Field(() => CoverageKindEnum)
  @IsEnum(CoverageKindEnum)
  kind!: CoverageKindEnum;

  @Field()
  @IsString()
  @Length(1, 200)
  name!: string;
}

@ObjectType('GeoJsonPolygon', { description: 'A GeoJSON Polygon: rings of [longitude, latitude], the first the outline.' })
export class GeoJsonPolygonType {
  @Field()
  type!: string;

  @Field(() => [[[Float]]])
  coordinates!: number[][][];
}

@InputType()
export class GeoJsonPolygonInput {
  @Field({ defaultValue: 'Polygon' })
  @Equals('Polygon', { message: 'boundary.type must be "Polygon"' })
  type: string = 'Polygon';

  // Shape and geometry are checked by polygonProblem, with a message that says what is wrong.
  @Field(() => [[[Float]]])
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  coordinates!: number[][][];
}
