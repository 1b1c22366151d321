import 'reflect-metadata';
import { runMigrations } from '@civgrid/service-kit';
import { disputeMediation } from '../definition';

runMigrations(disputeMediation, process.env).then(
  (done) => process.stdout.write(`dispute-mediation: ${done.length} migration(s) applied\n`),
  (error: unknown) => {
    process.stderr.write(`dispute-mediation: migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
