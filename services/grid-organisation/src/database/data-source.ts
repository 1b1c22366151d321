import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { gridOrganisation } from '../definition';

// For the TypeORM CLI (migration:generate / revert): the one exported DataSource.
export default new DataSource({
  type: 'postgres',
  url: process.env['DATABASE_URL'],
  entities: gridOrganisation.entities,
  migrations: gridOrganisation.migrations,
  migrationsTableName: 'migrations',
});
