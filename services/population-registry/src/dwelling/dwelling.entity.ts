import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { DWELLING_KINDS, DWELLING_OCCUPANCIES, DwellingKind, DwellingOccupancy } from '@civgrid/contracts';

@Entity('dwelling')
export class DwellingEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'grid_id', type: 'uuid' })
  gridId!: string;

  @Column({ type: 'enum', enum: [...DWELLING_KINDS], enumName: 'dwelling_kind' })
  kind!: DwellingKind;

  @Column({ type: 'enum', enum: [...DWELLING_OCCUPANCIES], enumName: 'dwelling_occupancy' })
  occupancy!: DwellingOccupancy;

  @Column({ type: 'text', nullable: true })
  road!: string | null;

  @Column({ type: 'text', nullable: true })
  building!: string | null;

  @Column({ type: 'text', nullable: true })
  unit!: string | null;

  @Column({ type: 'text', nullable: true })
  room!: string | null;

  @Column({ name: 'house_number', type: 'text', nullable: true })
  houseNumber!: string | null;

  @Column({ name: 'address_text', type: 'text' })
  addressText!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
