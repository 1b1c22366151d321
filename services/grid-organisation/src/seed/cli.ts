import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { catalogue, EventPayloads } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { PiiCipher, piiConfigShape } from '@civgrid/pii';
import { loadConfig } from '@civgrid/service-kit';
import { z } from 'zod';
import { gridOrganisation } from '../definition';
import { SeedSize, SIZES } from './district-plan';
import { seedDistrict } from './seed';

// node dist/seed/cli.js [--size demo|daiyue] [--json]
async function main(): Promise<void> {
  const sizeArg = process.argv[process.argv.indexOf('--size') + 1];
  const size: SeedSize = sizeArg === 'daiyue' ? 'daiyue' : 'demo';
  if (process.argv.includes('--size') && !(sizeArg in SIZES)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  const url = process.env['DATABASE_URL'];
  if (!url) throw new Error('DATABASE_URL is required');
  // Members' phones are encrypted with the same keys the service runs with.
  const keys = loadConfig('grid-organisation seed', z.object(piiConfigShape), process.env);
  const cipher = new PiiCipher(keys.PII_ENCRYPTION_KEY, keys.PII_HASH_KEY);
  const ds = new DataSource({ type: 'postgres', url, entities: gridOrganisation.entities });
  await ds.initialize();
  const started = Date.now();
  const bar = (done: number, total: number): void => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    process.stderr.write(`\rseeding ${size} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  };
  try {
    const result = await seedDistrict(ds, new Outbox<EventPayloads>(`/civgrid/${gridOrganisation.name}`, catalogue), size, cipher, bar);
    const n = result.inserted;
    process.stderr.write(
      `\nseeded ${n.areas} new areas, ${n.grids} new grids, ${n.members} new members, ${n.assignments} new grid leader assignments and ${n.departments} new departments in ${Date.now() - started} ms\n`,
    );
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await ds.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
