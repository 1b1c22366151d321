import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { incidentReporting } from '../definition';

// For the TypeORM CLI (migration:generate / revert): the one exported DataSource.
export default new DataSource({
  type: 'postgres',
  url: process.env['DATABASE_URL'],
  entities: incidentReporting.entities,
  migrations: incidentReporting.migrations,
  migrationsTableName: 'migrations',
});
