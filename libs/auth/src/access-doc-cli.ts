import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAccessDoc } from './access-doc';

// `npm run access-doc`: re-prints docs/access.md from the table (from src/ or dist/ alike).
const target = join(__dirname, '..', '..', '..', 'docs', 'access.md');
writeFileSync(target, renderAccessDoc());
process.stdout.write(`wrote ${target}\n`);
