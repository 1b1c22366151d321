import { Column, Entity, PrimaryColumn } from 'typeorm';
import {
  DISPUTE_KINDS,
  DISPUTE_LEVELS,
  DISPUTE_ORIGINS,
  DisputeKind,
  DisputeLevel,
  DisputeOrigin,
  DisputeStatus,
} from '@civgrid/contracts';

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

  @Column({ type: 'text', default: 'REGISTERED' })
  status!: DisputeStatus;

  @Column({ name: 'referred_by', type: 'text', nullable: true })
  referredBy!: string | null;

  @Column({ name: 'committee_id', type: 'uuid', nullable: true })
  committeeId!: string | null;

  @Column({ type: 'text', nullable: true })
  outcome!: string | null;

  @Column({ name: 'agreement_terms', type: 'text', nullable: true })
  agreementTerms!: string | null;

  /** YYYY-MM-DD */
  @Column({ name: 'agreement_signed_on', type: 'date', nullable: true })
  agreementSignedOn!: string | null;

  @Column({ name: 'judicial_confirmation', type: 'text', nullable: true })
  judicialConfirmation!: string | null;

  @Column({ name: 'referred_to', type: 'text', nullable: true })
  referredTo!: string | null;

  @Column({ name: 'closing_note', type: 'text', nullable: true })
  closingNote!: string | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

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
