import { Directive, Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@civgrid/service-kit';

export enum AreaLevelEnum {
  DISTRICT = 'DISTRICT',
  TOWN = 'TOWN',
  VILLAGE = 'VILLAGE',
}
registerEnumType(AreaLevelEnum, {
  name: 'AreaLevel',
  description: 'District (区), town or street (乡镇/街道), village or community (村/社区).',
});

@ObjectType('AdministrativeArea', { description: 'A node of the administrative tree.' })
@Directive('@key(fields: "id")')
export class AreaType {
  @Field(() => ID)
  id!: string;

  @Field({ description: '12-digit statistical division code.' })
  code!: string;

  @Field()
  name!: string;

  @Field(() => AreaLevelEnum)
  level!: AreaLevelEnum;

  @Field({ description: 'Street or community (urban) rather than town or village (rural).' })
  urban!: boolean;

  @Field({ description: 'ltree path of codes from the district down.' })
  path!: string;

  parentId!: string | null;
}

export const AreaConnection = ConnectionType(AreaType, 'AdministrativeArea');
