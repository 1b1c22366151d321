import { ArgsType, Field, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { ConnectionType, PageArgs } from '@civgrid/service-kit';

export enum Open311ReadGrantEnum {
  EXACT_LOCATION = 'EXACT_LOCATION',
  STAFF_REPORTS = 'STAFF_REPORTS',
  UNPUBLISHED_SERVICES = 'UNPUBLISHED_SERVICES',
}
registerEnumType(Open311ReadGrantEnum, {
  name: 'Open311ReadGrant',
  description: "What a client's key may read beyond the public view, for requests in the key's areas only.",
  valuesMap: {
    EXACT_LOCATION: { description: 'Latitude and longitude as recorded (not rounded), the address text and address_id.' },
    STAFF_REPORTS: {
      description:
        'The description, photo and rejection reason of incidents recorded by staff (the public sees only those filed through Open311).',
    },
    UNPUBLISHED_SERVICES: { description: 'Requests in the categories the district does not publish (never care alerts).' },
  },
});

@ObjectType('Open311ApiKey', { description: 'A key of an Open311 client application. The key itself is shown once, when issued.' })
export class Open311ApiKeyType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Who uses it, e.g. "泰安市民热线 (city hotline)".' })
  clientName!: string;

  @Field({ description: 'The first characters of the key, to tell keys apart.' })
  prefix!: string;

  @Field(() => [String], { description: 'The areas (ltree paths) it may file requests in.' })
  areaPaths!: string[];

  @Field(() => ID, { nullable: true, description: 'The grid its requests go to when they name none (attribute[grid_id]).' })
  defaultGridId!: string | null;

  @Field(() => [Open311ReadGrantEnum])
  readGrants!: Open311ReadGrantEnum[];

  @Field(() => Int, { description: 'Calls a minute, all endpoints together; more are answered 429.' })
  rateLimitPerMinute!: number;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field()
  createdBy!: string;

  @Field(() => GraphQLISODateTime, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => String, { nullable: true })
  revokedBy!: string | null;
}

export const Open311ApiKeyConnection = ConnectionType(Open311ApiKeyType, 'Open311ApiKey');

@ObjectType('IssuedOpen311ApiKey')
export class IssuedOpen311ApiKeyType {
  @Field(() => Open311ApiKeyType)
  apiKey!: Open311ApiKeyType;

  @Field({ description: 'The key to give the client (its api_key). Shown this once: only a hash of it is kept.' })
  key!: string;
}

@InputType()
export class IssueOpen311ApiKeyInput {
  @Field({ description: '1–200 characters.' })
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'clientName must not be blank' })
  clientName!: string;

  @Field(() => [String], { description: 'The areas (ltree paths) it may file in: 1–50.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  areaPaths!: string[];

  @Field(() => ID, { nullable: true, description: 'An active grid in those areas, for requests that name no grid.' })
  @IsOptional()
  @IsUUID()
  defaultGridId?: string;

  @Field(() => [Open311ReadGrantEnum], { defaultValue: [] })
  @IsArray()
  @IsEnum(Open311ReadGrantEnum, { each: true })
  readGrants: Open311ReadGrantEnum[] = [];

  @Field(() => Int, { defaultValue: 60, description: '1–10000 calls a minute.' })
  @IsInt()
  @Min(1)
  @Max(10000)
  rateLimitPerMinute: number = 60;
}

@InputType()
export class RevokeOpen311ApiKeyInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}

@ArgsType()
export class Open311ApiKeysArgs extends PageArgs {
  @Field({ defaultValue: false, description: 'Revoked keys too.' })
  @IsBoolean()
  includeRevoked: boolean = false;
}
