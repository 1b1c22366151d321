import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { undeclaredAccessOf } from '@civgrid/service-kit';
import { disputeMediation } from './definition';

describe('access declarations of dispute-mediation', () => {
  // Default deny is only as good as the list of what is declared: nothing may be left out.
  it('names a rule of the access table on every query, mutation, field resolver, entity reference and personal field', async () => {
    const audit = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'access-mutations.md'), 'utf8');
    expect(await undeclaredAccessOf(disputeMediation, audit)).toEqual([]);
  });
});
