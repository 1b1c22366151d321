import { Directive, Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@civgrid/service-kit';

export enum DwellingKindEnum {
  APARTMENT = 'APARTMENT',
  RURAL_HOUSE = 'RURAL_HOUSE',
  SHOP = 'SHOP',
  OTHER = 'OTHER',
}
registerEnumType(DwellingKindEnum, {
  name: 'DwellingKind',
  description: 'A flat in a building, a rural house (with its house number), a shop, or other.',
});

export enum DwellingOccupancyEnum {
  OWNER_OCCUPIED = 'OWNER_OCCUPIED',
  RENTED = 'RENTED',
  VACANT = 'VACANT',
}
registerEnumType(DwellingOccupancyEnum, { name: 'DwellingOccupancy' });

@ObjectType('Dwelling', { description: 'A place people live or work in, in one grid, with its structured address.' })
@Directive('@key(fields: "id")')
export class DwellingType {
  @Field(() => ID)
  id!: string;

  @Field(() => DwellingKindEnum)
  kind!: DwellingKindEnum;

  @Field(() => DwellingOccupancyEnum)
  occupancy!: DwellingOccupancyEnum;

  @Field(() => String, { nullable: true, description: 'Road, street or lane (路/街/巷).' })
  road!: string | null;

  @Field(() => String, { nullable: true, description: 'Building (楼/栋).' })
  building!: string | null;

  @Field(() => String, { nullable: true, description: 'Unit or stairway (单元).' })
  unit!: string | null;

  @Field(() => String, { nullable: true, description: 'Room or flat number (室).' })
  room!: string | null;

  @Field(() => String, { nullable: true, description: 'House number, as in rural house numbering (门牌号).' })
  houseNumber!: string | null;

  @Field({ description: 'The full address as it is written locally.' })
  addressText!: string;

  @Field({ description: 'When it was registered.' })
  createdAt!: Date;

  gridId!: string;
}

export const DwellingConnection = ConnectionType(DwellingType, 'Dwelling');
