import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiDocument } from './asyncapi';

// Writes libs/contracts/asyncapi.json from the catalogue.
writeFileSync(join(__dirname, '..', 'asyncapi.json'), `${JSON.stringify(asyncApiDocument(), null, 2)}\n`);
process.stdout.write('asyncapi.json written\n');
