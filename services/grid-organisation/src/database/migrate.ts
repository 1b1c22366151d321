import 'reflect-metadata';
import { runMigrations } from '@civgrid/service-kit';
import { gridOrganisation } from '../definition';

runMigrations(gridOrganisation, process.env).then(
  (done) => process.stdout.write(`grid-organisation: ${done.length} migration(s) applied\n`),
  (error: unknown) => {
    process.stderr.write(`grid-organisation: migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
