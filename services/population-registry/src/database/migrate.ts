import 'reflect-metadata';
import { runMigrations } from '@civgrid/service-kit';
import { populationRegistry } from '../definition';

runMigrations(populationRegistry, process.env).then(
  (done) => process.stdout.write(`population-registry: ${done.length} migration(s) applied\n`),
  (error: unknown) => {
    process.stderr.write(`population-registry: migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
