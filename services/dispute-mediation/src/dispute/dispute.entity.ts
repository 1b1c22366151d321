import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DISPUTE_KINDS, DISPUTE_LEVELS, DISPUTE_ORIGINS, DisputeKind, DisputeLevel, DisputeOrigin } from '@civgrid/contracts';

export type DisputeStatus = 'REGISTERED';

@Entity('dispute')
export class DisputeEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  number!: string;

  @Column({ type: 'enum', enum: DISPUTE_KINDS, enumName: 'dispute_kind' })
  kind!: DisputeKind;

  @Column('text')
  summary!: string;

  @Column({ type: 'enum', enum: DISPUTE_ORIGINS, enumName: 'dispute_origin' })
  origin!: DisputeOrigin;

  @Column({ name: 'origin_incident_id', type: 'uuid', nullable: true })
  originIncidentId!: string | null;

  @Column({ type: 'enum', enum: DISPUTE_LEVELS, enumName: 'dispute_level', default: 'VILLAGE' })
  level!: DisputeLevel;

  @Column({ type: 'enum', enum: ['REGISTERED'], enumName: 'dispute_status', default: 'REGISTERED' })
  status!: DisputeStatus;

  @Column({ name: 'grid_id', type: 'uuid' })
  gridId!: string;

  /** Copied from the grid replica when registered: scoping needs no join. */
  @Column({ name: 'grid_path', type: 'ltree' })
  gridPath!: string;

  @Column({ name: 'registered_by', type: 'text' })
  registeredBy!: string;

  @Column({ name: 'registered_at', type: 'timestamptz' })
  registeredAt!: Date;
}
