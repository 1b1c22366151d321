import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { populationRegistry } from '../definition';

// For the TypeORM CLI (migration:generate / revert): the one exported DataSource.
export default new DataSource({
  type: 'postgres',
  url: process.env['DATABASE_URL'],
  entities: populationRegistry.entities,
  migrations: populationRegistry.migrations,
  migrationsTableName: 'migrations',
});
