import { Directive, Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@civgrid/service-kit';

export enum EmploymentEnum {
  FULL_TIME = 'FULL_TIME',
  PART_TIME = 'PART_TIME',
  VOLUNTEER = 'VOLUNTEER',
}
registerEnumType(EmploymentEnum, { name: 'MemberEmployment', description: 'Full-time (专职), part-time (兼职) or volunteer.' });

export enum AssignmentRoleEnum {
  GRID_LEADER = 'GRID_LEADER',
  GRID_MEMBER = 'GRID_MEMBER',
  BUILDING_LEADER = 'BUILDING_LEADER',
}
registerEnumType(AssignmentRoleEnum, {
  name: 'AssignmentRole',
  description: 'Grid leader (网格长, one per grid at a time), grid member (网格员), building leader (楼长).',
});

@ObjectType('GridMember', { description: 'A person who looks after grids.' })
@Directive('@key(fields: "id")')
export class GridMemberType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => EmploymentEnum)
  employment!: EmploymentEnum;

  @Field(() => String, { nullable: true, description: 'The user account (token subject) of this member, when linked.' })
  userId!: string | null;

  areaId!: string;
  areaPath!: string;
}

@ObjectType('GridAssignment', { description: 'A member holding a role on a grid for a time.' })
export class GridAssignmentType {
  @Field(() => ID)
  id!: string;

  @Field(() => AssignmentRoleEnum)
  role!: AssignmentRoleEnum;

  @Field({ description: 'When it starts.' })
  from!: Date;

  @Field(() => Date, { nullable: true, description: 'When it ended (exclusive); empty while open.' })
  to!: Date | null;

  @Field({ description: 'In force now.' })
  current!: boolean;

  memberId!: string;
  gridId!: string;
}

export const GridMemberConnection = ConnectionType(GridMemberType, 'GridMember');
export const GridAssignmentConnection = ConnectionType(GridAssignmentType, 'GridAssignment');
