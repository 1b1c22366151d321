import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, IsEnum, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageArgs } from '@civgrid/service-kit';
import { DisputeLevelEnum } from '../dispute/dto/dispute.type';
import { RoomKindEnum } from './platform.type';

const PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

@InputType()
export class CreateCommitteeInput {
  @Field()
  @IsString()
  @Length(1, 200)
  name!: string;

  @Field(() => DisputeLevelEnum)
  @IsEnum(DisputeLevelEnum)
  level!: DisputeLevelEnum;

  @Field({ description: 'The area served: a district (1 label), town (2) or village/community (3), matching the level.' })
  @Matches(PATH, { message: 'areaPath must be an area path' })
  areaPath!: string;
}

@InputType()
export class AddMediatorInput {
  @Field(() => ID)
  @IsUUID()
  committeeId!: string;

  @Field()
  @IsString()
  @Length(1, 100)
  name!: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  specialties?: string[];

  @Field({ nullable: true, description: 'The login (token subject) that acts as this mediator.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  userId?: string;

  @Field({ nullable: true, description: 'Their own named room, e.g. "老王调解室"; created in the committee.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  roomName?: string;
}

@InputType()
export class CreateCentreInput {
  @Field()
  @IsString()
  @Length(1, 200)
  name!: string;

  @Field()
  @Matches(PATH, { message: 'areaPath must be an area path' })
  areaPath!: string;

  @Field(() => [ID], { description: 'The departments seated there (grid-organisation ids).', nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  departmentIds?: string[];
}

@InputType()
export class SeatDepartmentsInput {
  @Field(() => ID)
  @IsUUID()
  centreId!: string;

  @Field(() => [ID])
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  departmentIds!: string[];
}

@InputType()
export class AddRoomInput {
  @Field(() => ID)
  @IsUUID()
  centreId!: string;

  @Field()
  @IsString()
  @Length(1, 200)
  name!: string;

  @Field(() => RoomKindEnum)
  @IsEnum(RoomKindEnum)
  kind!: RoomKindEnum;
}

@ArgsType()
export class CentresArgs extends PageArgs {
  @Field({ nullable: true, description: 'Only those serving areas under this path (the path itself included).' })
  @IsOptional()
  @Matches(PATH, { message: 'underPath must be an area path' })
  underPath?: string;

  @Field({ nullable: true, description: 'Only those whose area contains this path, e.g. a grid path: the ones a dispute there can go to.' })
  @IsOptional()
  @Matches(PATH, { message: 'covering must be an area path' })
  covering?: string;
}

@ArgsType()
export class CommitteesArgs extends CentresArgs {
  @Field(() => DisputeLevelEnum, { nullable: true })
  @IsOptional()
  @IsEnum(DisputeLevelEnum)
  level?: DisputeLevelEnum;
}

@ArgsType()
export class IdArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}
