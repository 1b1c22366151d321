import { join, resolve } from 'node:path';
import { checkCatalogue, formatCatalogueCheck } from './compatibility';
import { eventSchemas } from './index';
import { publishCatalogue, readPublishedCatalogue } from './published';

// npm run events:check     the catalogue against deploy/events/published (or CIVGRID_PUBLISHED_EVENTS)
// npm run events:publish   the same check, then a new published version
const root = resolve(__dirname, '..', '..', '..');
const dir = resolve(process.env['CIVGRID_PUBLISHED_EVENTS'] ?? join(root, 'deploy', 'events', 'published'));

function main(): number {
  const command = process.argv[2];
  if (command === 'check') {
    const check = checkCatalogue(readPublishedCatalogue(dir).types, eventSchemas);
    (check.ok ? process.stdout : process.stderr).write(formatCatalogueCheck(check));
    return check.ok ? 0 : 1;
  }
  if (command === 'publish') {
    const result = publishCatalogue(dir, eventSchemas);
    (result.check.ok ? process.stdout : process.stderr).write(formatCatalogueCheck(result.check));
    if (!result.published) return 1;
    process.stdout.write(`published event catalogue version ${result.catalogue.version} (${result.catalogue.hash}) in ${dir}\n`);
    return 0;
  }
  process.stderr.write('usage: npm run events:check | npm run events:publish\n');
  return 2;
}

try {
  process.exit(main());
} catch (error) {
  process.stderr.write(`events: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
