import { randomUUID } from 'node:crypto';
import { EntityManager, QueryRunner } from 'typeorm';
import { EventCatalogue } from './catalogue';
import { DomainEvent, toCloudEvent } from './cloudevent';

/**
 * The only way to publish. `add` writes the event in the caller's transaction, so a change and
 * its event commit together or not at all. The relay moves it to Kafka afterwards.
 */
export class Outbox {
  constructor(
    private readonly source: string,
    private readonly catalogue: EventCatalogue,
  ) {}

  async add(manager: EntityManager, ...events: DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('outbox.add must run inside the transaction that makes the change');
    }
    const rows = events.map((event) => {
      this.catalogue.validate(event.type, event.data);
      const envelope = toCloudEvent(this.source, event, randomUUID());
      return [envelope.id, event.aggregateType, event.aggregateId, event.type, JSON.stringify(envelope)];
    });
    // One multi-row statement, however many events the change raised.
    const params: unknown[] = [];
    const values = rows.map((row) => {
      const at = params.length;
      params.push(...row);
      return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}::jsonb)`;
    });
    await manager.query(`INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload) VALUES ${values.join(', ')}`, params);
  }
}

/**
 * The outbox, inbox and relay tables, version 1. Shipped migrations call this; it never changes
 * (a later change gets a V2 beside it).
 */
export const OutboxSchemaV1 = {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE outbox (
        id uuid PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        aggregatetype text NOT NULL,
        aggregateid text NOT NULL,
        type text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text
      )`);
    await runner.query(`CREATE UNIQUE INDEX uq_outbox_seq ON outbox (seq)`);
    await runner.query(`CREATE INDEX ix_outbox_unpublished ON outbox (seq) WHERE published_at IS NULL`);
    // A wake-up hint per statement; PostgreSQL folds identical notifications of one transaction into one.
    await runner.query(`
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('outbox', ''); RETURN NULL; END $$`);
    await runner.query(`
      CREATE TRIGGER tr_outbox_notify AFTER INSERT ON outbox
      FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`);
    await runner.query(`
      CREATE TABLE inbox (
        consumer text NOT NULL,
        event_id text NOT NULL,
        event_type text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_inbox PRIMARY KEY (consumer, event_id)
      )`);
  },
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE inbox`);
    await runner.query(`DROP TRIGGER tr_outbox_notify ON outbox`);
    await runner.query(`DROP FUNCTION outbox_notify()`);
    await runner.query(`DROP TABLE outbox`);
  },
};
