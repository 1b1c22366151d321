import 'reflect-metadata';
import { runMigrations } from '@civgrid/service-kit';
import { incidentReporting } from '../definition';

runMigrations(incidentReporting, process.env).then(
  (done) => process.stdout.write(`incident-reporting: ${done.length} migration(s) applied\n`),
  (error: unknown) => {
    process.stderr.write(`incident-reporting: migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
