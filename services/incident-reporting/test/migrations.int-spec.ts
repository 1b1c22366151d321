import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import { createTestDatabase, TestDatabase } from '@civgrid/testing';
import cliDataSource from '../src/database/data-source';
import { migrations } from '../src/database/migrations';

let db: TestDatabase;
let ds: DataSource;
beforeAll(async () => {
  db = await createTestDatabase('incident_migrations');
  ds = new DataSource({ type: 'postgres', url: db.url, migrations, migrationsTableName: 'migrations' });
  await ds.initialize();
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

const tables = async () =>
  (
    await ds.query<{ t: string }[]>(
      `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY 1`,
    )
  ).map((r) => r.t);

describe('the migrations', () => {
  it('apply, revert one by one back to nothing, and apply again', async () => {
    await ds.runMigrations({ transaction: 'each' });
    expect(await tables()).toEqual(
      expect.arrayContaining(['incident', 'incident_transition', 'photo', 'whistle', 'whistle_department', 'department_replica']),
    );
    // An incident in a later state folds back when the workflow migration is reverted.
    await ds.query(`INSERT INTO incident (id, number, title, category, source, grid_id, grid_path, status)
      VALUES (gen_random_uuid(), 'DY-2026-000007', 't', 'OTHER', 'HOTLINE', gen_random_uuid(), 'a.b', 'CLOSED')`);
    for (let i = migrations.length; i > 0; i--) await ds.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toEqual([]);
    await ds.runMigrations({ transaction: 'each' });
    expect(await tables()).toContain('whistle_department');
  });

  it("leave nothing for migration:generate to propose: the service's data source has entities that match their tables", async () => {
    // The TypeORM CLI's own data source (src/database/data-source.ts), pointed at this database.
    const cli = new DataSource({ ...cliDataSource.options, url: db.url } as DataSourceOptions);
    await cli.initialize();
    try {
      await cli.runMigrations({ transaction: 'each' });
      const proposed = await cli.driver.createSchemaBuilder().log();
      expect(proposed.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await cli.destroy();
    }
  });
});
