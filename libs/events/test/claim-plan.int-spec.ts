import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '@civgrid/testing';
import { CLAIM_SQL, OutboxSchemaV1, PRUNE_OUTBOX_SQL } from '../src';

// The relay's claim must stay an index scan however much history the outbox holds. Seeding the
// issue's 10 million rows takes minutes on two shared cores (1 million took 40 s here), too long for
// `npm test`; 300,000 published rows (CLAIM_PLAN_ROWS=10000000 for the full size) with fresh
// statistics already make a sequential scan the planner's choice for any predicate the index does
// not serve, so the plan is the proof.
const ROWS = Number(process.env['CLAIM_PLAN_ROWS'] ?? 300_000);

let db: TestDatabase;
let client: Client;
beforeAll(async () => {
  db = await createTestDatabase('claim_plan');
  const ds = new DataSource({ type: 'postgres', url: db.url });
  await ds.initialize();
  const runner = ds.createQueryRunner();
  await OutboxSchemaV1.up(runner);
  await runner.release();
  await ds.destroy();
  client = new Client({ connectionString: db.url });
  await client.connect();
  await client.query(
    `INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, created_at, published_at)
     SELECT gen_random_uuid(), 'Grid', 'grid-' || (g % 5000), 'civgrid.grid.grid-updated.v1', '{"n":1}'::jsonb,
            now() - interval '30 days' + g * interval '1 ms', now() - interval '30 days' + g * interval '1 ms'
       FROM generate_series(1, $1::int) g`,
    [ROWS],
  );
  await client.query(
    `INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
     SELECT gen_random_uuid(), 'Grid', 'grid-' || g, 'civgrid.grid.grid-updated.v1', '{"n":2}'::jsonb FROM generate_series(1, 700) g`,
  );
  await client.query('ANALYZE outbox');
}, 300_000);
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

const plan = async (sql: string, params: unknown[]): Promise<string> =>
  (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).rows.map((r) => r['QUERY PLAN']).join('\n');

describe(`the relay's claim over ${ROWS.toLocaleString('en')} published rows`, () => {
  it('is an index scan of the unpublished rows, from the start and after a position, and reads the next batch only', async () => {
    for (const after of ['0', String(ROWS + 300)]) {
      const p = await plan(CLAIM_SQL, [after, 500]);
      expect(p).toMatch(/Index Scan using ix_outbox_unpublished/);
      expect(p).not.toMatch(/Seq Scan/);
    }
    const started = performance.now();
    const rows = await client.query(CLAIM_SQL, ['0', 500]);
    expect(rows.rowCount).toBe(500);
    // Not a timing test: a sequential scan of the table would take seconds here, an index scan milliseconds.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('prunes old published rows along the sequence index, without a sequential scan', async () => {
    const p = await plan(PRUNE_OUTBOX_SQL, [new Date(Date.now() - 7 * 24 * 3600_000), 10_000]);
    expect(p).toMatch(/Index Scan using uq_outbox_seq/);
    expect(p).not.toMatch(/Seq Scan/);
  });
});
