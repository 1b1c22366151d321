import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { AreaLevel } from '@civgrid/contracts';

@Entity('administrative_area')
export class AreaEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'char', length: 12 })
  code!: string;

  @Column('text')
  name!: string;

  @Column({ type: 'enum', enum: ['DISTRICT', 'TOWN', 'VILLAGE'], enumName: 'area_level' })
  level!: AreaLevel;

  @Column('boolean')
  urban!: boolean;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;

  @Column('ltree')
  path!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
