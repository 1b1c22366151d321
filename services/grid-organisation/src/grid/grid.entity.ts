import { Column, Entity, PrimaryColumn } from 'typeorm';
import { GridKind, GridStatus } from '@civgrid/contracts';
import { GeoJsonPolygon } from '../geometry/polygon';

@Entity('grid')
export class GridEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  code!: string;

  @Column('text')
  name!: string;

  @Column({ type: 'enum', enum: ['TOTAL', 'BASIC', 'MICRO'], enumName: 'grid_kind' })
  kind!: GridKind;

  @Column({ name: 'area_id', type: 'uuid' })
  areaId!: string;

  @Column({ name: 'parent_grid_id', type: 'uuid', nullable: true })
  parentGridId!: string | null;

  @Column('ltree')
  path!: string;

  @Column({ type: 'enum', enum: ['ACTIVE', 'RETIRED'], enumName: 'grid_status', default: 'ACTIVE' })
  status!: GridStatus;

  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom!: string;

  @Column({ name: 'effective_to', type: 'date', nullable: true })
  effectiveTo!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  boundary!: GeoJsonPolygon | null;

  @Column({ name: 'retired_reason', type: 'text', nullable: true })
  retiredReason!: string | null;
}
