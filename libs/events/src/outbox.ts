import { randomUUID } from 'node:crypto';
import { EntityManager, QueryRunner } from 'typeorm';
import { EventCatalogue } from './catalogue';
import { DomainEvent, toCloudEvent } from './cloudevent';
import { traceExtension } from './observe';

/** Event type → payload type (for CivGrid's events: `EventPayloads` of libs/contracts). */
export type PayloadMap = { [type: string]: object };

/** One event of a map: its `type` says which payload its `data` must be. */
export type DomainEventIn<M> = { [K in keyof M & string]: DomainEvent<M[K] & object, K> }[keyof M & string];

/**
 * The only way to publish. `add` writes the event in the caller's transaction, so a change and
 * its event commit together or not at all. The relay moves it to Kafka afterwards. Typed by an event
 * map (`Outbox<EventPayloads>`), `add` takes for each type only that type's payload.
 */
export class Outbox<M extends { [K in keyof M]: object } = PayloadMap> {
  constructor(
    private readonly source: string,
    private readonly catalogue: EventCatalogue,
  ) {}

  async add(manager: EntityManager, ...events: DomainEventIn<M>[]): Promise<void> {
    if (events.length === 0) return;
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('outbox.add must run inside the transaction that makes the change');
    }
    const tracing = traceExtension();
    const rows = events.map((event) => {
      this.catalogue.validate(event.type, event.data);
      const envelope = { ...toCloudEvent(this.source, event, randomUUID()), ...tracing };
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

  /**
   * Events of one type for a whole set of rows, written by the database in one statement: `select`
   * (with its `params`) yields `aggregate_id` and `data` (jsonb) per event, in the order the events
   * go out. The envelope is built in SQL as `add` builds it, and every event's data is still checked
   * against its schema (read back from the insert): one that does not match throws, and the
   * transaction then writes nothing. For bulk work (a ledger import), where `add` would carry every
   * event through this process and back as parameters.
   */
  async addSelected(
    manager: EntityManager,
    spec: { type: keyof M & string; aggregateType: string; select: string; params?: unknown[]; time?: Date },
  ): Promise<number> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('outbox.addSelected must run inside the transaction that makes the change');
    }
    const params = [...(spec.params ?? [])];
    const at = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const type = at(spec.type);
    const tracing = traceExtension();
    const sql = `
      WITH src AS (${spec.select}), ev AS (SELECT gen_random_uuid() AS id, src.aggregate_id::text AS aggregate_id, src.data FROM src)
      INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
      SELECT ev.id, ${at(spec.aggregateType)}, ev.aggregate_id, ${type},
             jsonb_build_object('specversion', '1.0', 'id', ev.id::text, 'source', ${at(this.source)}::text, 'type', ${type}::text,
                                'subject', ev.aggregate_id, 'time', ${at((spec.time ?? new Date()).toISOString())}::text,
                                'datacontenttype', 'application/json', 'dataschema', ${at(`urn:civgrid:schema:${spec.type}`)}::text, 'data', ev.data)
             || jsonb_strip_nulls(jsonb_build_object('traceparent', ${at(tracing.traceparent ?? null)}::text, 'tracestate', ${at(tracing.tracestate ?? null)}::text))
        FROM ev
      RETURNING payload->'data' AS data`;
    const rows: { data: unknown }[] = await manager.query(sql, params);
    for (const row of rows) this.catalogue.validate(spec.type, row.data);
    return rows.length;
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
