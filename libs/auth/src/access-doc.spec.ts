import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAccessDoc } from './access-doc';

describe('docs/access.md', () => {
  it('is the access table as printed now (run `npm run access-doc` after changing the table)', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'access.md'), 'utf8');
    expect(doc).toBe(renderAccessDoc());
  });
});
