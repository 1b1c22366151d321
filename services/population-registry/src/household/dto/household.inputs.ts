import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { RegistrationTypeEnum } from './household.type';

@InputType()
export class RegisterHouseholdInput {
  @Field(() => ID, {
    nullable: true,
    description: 'Made by the phone: sending the same household again (a weak network, an offline queue) registers it once.',
  })
  @IsOptional()
  @IsUUID()
  id?: string;

  @Field({ description: 'The household number (户号), 1–40 letters, digits or dashes.' })
  @IsString()
  @Matches(/^[A-Za-z0-9-]{1,40}$/)
  number!: string;

  @Field(() => ID)
  @IsUUID()
  dwellingId!: string;

  @Field(() => RegistrationTypeEnum)
  @IsEnum(RegistrationTypeEnum)
  registrationType!: RegistrationTypeEnum;
}

@InputType()
export class MoveHouseholdInput {
  @Field(() => ID)
  @IsUUID()
  householdId!: string;

  @Field(() => ID, { description: 'The dwelling the whole household moves to.' })
  @IsUUID()
  dwellingId!: string;
}

@ArgsType()
export class HouseholdArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}
