import { DataSource } from 'typeorm';
import { createTestDatabase, query, TestDatabase } from '@civgrid/testing';
import { gridOrganisation } from '../src';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('grid_migrations');
});
afterAll(() => db?.drop());

const tables = async (): Promise<string[]> =>
  (
    await query<{ t: string }>(
      db.url,
      `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY 1`,
    )
  ).map((r) => r.t);

describe('migrations', () => {
  it('go up, come down one by one to nothing, and go up again', async () => {
    const ds = new DataSource({
      type: 'postgres',
      url: db.url,
      entities: gridOrganisation.entities,
      migrations: gridOrganisation.migrations,
      migrationsTableName: 'migrations',
    });
    await ds.initialize();
    try {
      await ds.runMigrations({ transaction: 'each' });
      const all = await tables();
      expect(all).toEqual(
        expect.arrayContaining([
          'grid',
          'grid_member',
          'grid_assignment',
          'grid_coverage_item',
          'grid_reshape',
          'grid_reshape_item',
          'department',
          'grid_household_count',
          'pii_audit',
          'outbox',
          'inbox',
        ]),
      );
      await ds.undoLastMigration({ transaction: 'each' });
      expect(await tables()).toEqual(all);
      await ds.undoLastMigration({ transaction: 'each' });
      expect(await tables()).toEqual(['administrative_area', 'grid', 'inbox', 'outbox']);
      await ds.undoLastMigration({ transaction: 'each' });
      expect(await tables()).toEqual([]);
      await ds.runMigrations({ transaction: 'each' });
      expect(await tables()).toEqual(all);
    } finally {
      await ds.destroy();
    }
  });
});
