import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageArgs } from '@civgrid/service-kit';
import { DwellingKindEnum, DwellingOccupancyEnum } from './dwelling.type';

// The lengths match the table's check constraints.
@InputType()
export class RegisterDwellingInput {
  @Field(() => ID, {
    nullable: true,
    description: 'Made by the phone: sending the same dwelling again (a weak network, an offline queue) registers it once.',
  })
  @IsOptional()
  @IsUUID()
  id?: string;

  @Field(() => ID, { description: 'The grid the dwelling lies in.' })
  @IsUUID()
  gridId!: string;

  @Field(() => DwellingKindEnum)
  @IsEnum(DwellingKindEnum)
  kind!: DwellingKindEnum;

  @Field(() => DwellingOccupancyEnum)
  @IsEnum(DwellingOccupancyEnum)
  occupancy!: DwellingOccupancyEnum;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  road?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  building?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  unit?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  room?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  houseNumber?: string;

  @Field({ description: 'The full address as it is written locally (1–300 characters).' })
  @IsString()
  @Length(1, 300)
  addressText!: string;
}

@ArgsType()
export class DwellingArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}

@ArgsType()
export class DwellingsArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID()
  gridId!: string;
}
