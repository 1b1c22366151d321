import { Column, Entity, PrimaryColumn } from 'typeorm';
import {
  INCIDENT_CATEGORIES,
  INCIDENT_PRIORITIES,
  INCIDENT_SOURCES,
  INCIDENT_STATUSES,
  IncidentCategory,
  IncidentPriority,
  IncidentSource,
  IncidentStatus,
} from '@civgrid/contracts';

@Entity('incident')
export class IncidentEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** `DY-<year>-<6 digits>`, given by the database from `incident_number_seq`. */
  @Column({ type: 'text', insert: false })
  number!: string;

  @Column('text')
  title!: string;

  @Column('text')
  description!: string;

  @Column({ type: 'enum', enum: [...INCIDENT_CATEGORIES], enumName: 'incident_category' })
  category!: IncidentCategory;

  @Column({ type: 'enum', enum: [...INCIDENT_PRIORITIES], enumName: 'incident_priority', default: 'NORMAL' })
  priority!: IncidentPriority;

  @Column({ type: 'enum', enum: [...INCIDENT_STATUSES], enumName: 'incident_status', default: 'REPORTED' })
  status!: IncidentStatus;

  @Column({ type: 'enum', enum: [...INCIDENT_SOURCES], enumName: 'incident_source' })
  source!: IncidentSource;

  @Column({ name: 'grid_id', type: 'uuid' })
  gridId!: string;

  /** The grid's path when reported, copied from the replica: scoping needs no join. */
  @Column({ name: 'grid_path', type: 'ltree' })
  gridPath!: string;

  @Column({ name: 'reporter_id', type: 'text', nullable: true })
  reporterId!: string | null;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: 'reported_at', type: 'timestamptz', insert: false })
  reportedAt!: Date;
}
