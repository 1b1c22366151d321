import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { disputeMediation } from '../definition';

// For the TypeORM CLI (migration:generate / revert): the one exported DataSource.
export default new DataSource({
  type: 'postgres',
  url: process.env['DATABASE_URL'],
  entities: disputeMediation.entities,
  migrations: disputeMediation.migrations,
  migrationsTableName: 'migrations',
});
