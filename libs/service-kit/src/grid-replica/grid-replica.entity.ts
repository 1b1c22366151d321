import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A local copy of grid-organisation's grids (id, path, name), kept by grid events, used for scoping. */
@Entity('grid_replica')
export class GridReplicaEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  code!: string;

  @Column('text')
  name!: string;

  /** GiST-indexed for `<@` (grid-replica.schema.ts): declared so that migration:generate keeps the index. */
  @Index('ix_grid_replica_path', { spatial: true })
  @Column('ltree')
  path!: string;

  @Column({ name: 'area_path', type: 'ltree' })
  areaPath!: string;

  @Column('text')
  status!: string;

  @Column({ name: 'source_time', type: 'timestamptz' })
  sourceTime!: Date;
}
