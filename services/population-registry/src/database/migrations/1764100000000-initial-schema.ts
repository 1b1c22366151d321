import { MigrationInterface, QueryRunner } from 'typeorm';
import { OutboxSchemaV1 } from '@civgrid/events';
import { GridReplicaSchemaV1 } from '@civgrid/service-kit';

export class InitialSchema1764100000000 implements MigrationInterface {
  name = 'InitialSchema1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE EXTENSION IF NOT EXISTS ltree`);
    await OutboxSchemaV1.up(runner);
    await GridReplicaSchemaV1.up(runner);
    await runner.query(`CREATE TYPE dwelling_kind AS ENUM ('APARTMENT', 'RURAL_HOUSE', 'SHOP', 'OTHER')`);
    await runner.query(`CREATE TYPE dwelling_occupancy AS ENUM ('OWNER_OCCUPIED', 'RENTED', 'VACANT')`);
    // grid_id names a grid of grid-organisation (kept in grid_replica): no foreign key across services.
    await runner.query(`
      CREATE TABLE dwelling (
        id uuid NOT NULL,
        grid_id uuid NOT NULL,
        kind dwelling_kind NOT NULL,
        occupancy dwelling_occupancy NOT NULL,
        road text,
        building text,
        unit text,
        room text,
        house_number text,
        address_text text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_dwelling PRIMARY KEY (id),
        CONSTRAINT ck_dwelling_road CHECK (char_length(road) BETWEEN 1 AND 200),
        CONSTRAINT ck_dwelling_building CHECK (char_length(building) BETWEEN 1 AND 100),
        CONSTRAINT ck_dwelling_unit CHECK (char_length(unit) BETWEEN 1 AND 50),
        CONSTRAINT ck_dwelling_room CHECK (char_length(room) BETWEEN 1 AND 50),
        CONSTRAINT ck_dwelling_house_number CHECK (char_length(house_number) BETWEEN 1 AND 50),
        CONSTRAINT ck_dwelling_address_text CHECK (char_length(address_text) BETWEEN 1 AND 300)
      )`);
    // A grid's dwellings in registration order: the keyset of every dwelling list.
    await runner.query(`CREATE INDEX ix_dwelling_grid_created ON dwelling (grid_id, created_at, id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE dwelling`);
    await runner.query(`DROP TYPE dwelling_occupancy`);
    await runner.query(`DROP TYPE dwelling_kind`);
    await GridReplicaSchemaV1.down(runner);
    await OutboxSchemaV1.down(runner);
  }
}
