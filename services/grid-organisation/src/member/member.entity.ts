import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { AssignmentRole, MemberEmployment } from '@civgrid/contracts';

@Entity('grid_member')
export class GridMemberEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  // AES-256-GCM; never selected into a GraphQL type without masking or an audited purpose.
  @Column({ name: 'phone_cipher', type: 'bytea' })
  phoneCipher!: Buffer;

  @Column({ name: 'phone_hash', type: 'bytea' })
  phoneHash!: Buffer;

  @Column({ type: 'enum', enum: ['FULL_TIME', 'PART_TIME', 'VOLUNTEER'], enumName: 'member_employment' })
  employment!: MemberEmployment;

  @Column({ name: 'user_id', type: 'text', nullable: true })
  userId!: string | null;

  @Column({ name: 'area_id', type: 'uuid' })
  areaId!: string;

  @Column({ name: 'area_path', type: 'ltree' })
  areaPath!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

@Entity('grid_assignment')
export class GridAssignmentEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'member_id', type: 'uuid' })
  memberId!: string;

  @Column({ name: 'grid_id', type: 'uuid' })
  gridId!: string;

  @Column({ type: 'enum', enum: ['GRID_LEADER', 'GRID_MEMBER', 'BUILDING_LEADER'], enumName: 'assignment_role' })
  role!: AssignmentRole;

  @Column({ name: 'active_from', type: 'timestamptz' })
  activeFrom!: Date;

  @Column({ name: 'active_to', type: 'timestamptz', nullable: true })
  activeTo!: Date | null;
}
