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

  /** `DY-<year>-<6 digits>`, taken from the per-year `incident_number_counter` when reported. */
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

  @Column({ type: 'text', nullable: true })
  subcategory!: string | null;

  @Column({ name: 'reporter_resident_id', type: 'uuid', nullable: true })
  reporterResidentId!: string | null;

  @Column({ name: 'dwelling_id', type: 'uuid', nullable: true })
  dwellingId!: string | null;

  @Column({ name: 'address_text', type: 'text', nullable: true })
  addressText!: string | null;

  @Column({ type: 'double precision', nullable: true })
  latitude!: number | null;

  @Column({ type: 'double precision', nullable: true })
  longitude!: number | null;

  @Column({ name: 'assignee_id', type: 'text', nullable: true })
  assigneeId!: string | null;

  @Column({
    name: 'escalation_level',
    type: 'enum',
    enum: ['GRID', 'VILLAGE', 'TOWN', 'DISTRICT'],
    enumName: 'escalation_level',
    default: 'GRID',
  })
  escalationLevel!: 'GRID' | 'VILLAGE' | 'TOWN' | 'DISTRICT';

  /** Ever left the grid level: what "resolved in the bud" excludes. */
  @Column({ name: 'ever_escalated', type: 'boolean', default: false })
  everEscalated!: boolean;

  @Column({ name: 'accept_due_at', type: 'timestamptz', nullable: true })
  acceptDueAt!: Date | null;

  @Column({ name: 'resolve_due_at', type: 'timestamptz', nullable: true })
  resolveDueAt!: Date | null;

  /** Set once by the overdue job: the mark that keeps it from firing twice. */
  @Column({ name: 'accept_overdue_at', type: 'timestamptz', nullable: true })
  acceptOverdueAt!: Date | null;

  @Column({ name: 'resolve_overdue_at', type: 'timestamptz', nullable: true })
  resolveOverdueAt!: Date | null;

  @Column({ name: 'rejection_reason', type: 'text', nullable: true })
  rejectionReason!: string | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'dispute_id', type: 'uuid', nullable: true })
  disputeId!: string | null;

  /** Where an automatic report came from (`wellbeing:<agreement>:<day>`): one incident per origin. */
  @Column({ name: 'origin_key', type: 'text', nullable: true })
  originKey!: string | null;

  @Column({ name: 'photo_ids', type: 'uuid', array: true, default: () => "'{}'" })
  photoIds!: string[];
}
