import { DomainError } from '@civgrid/errors';
import { encodeCursor } from '@civgrid/service-kit';
import { decodeKeyset } from './cursor';
import { checkedPath, pathProblem } from './paths';

const reasonOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.reason;
    throw error;
  }
  return undefined;
};

describe('keyset cursors', () => {
  it('give back what the list put in', () => {
    const values = ['370911000000.370911001000', '7d5c3c1e-0000-4000-8000-000000000000'];
    expect(decodeKeyset(encodeCursor(values), ['path', 'uuid'])).toEqual(values);
    expect(decodeKeyset(encodeCursor(['2026-12-01T08:00:00.123456Z']), ['timestamp'])).toEqual(['2026-12-01T08:00:00.123456Z']);
    expect(decodeKeyset(undefined, ['path'])).toBeUndefined();
  });

  it.each([
    ['a path with spaces', ['not a path'], ['path']],
    ['a label over 1,000 characters', ['a'.repeat(1001)], ['path']],
    ['a number for a path', [42], ['path']],
    ['a malformed id', ['370911000000', 'not-a-uuid'], ['path', 'uuid']],
    ['a date that is not a moment', ['yesterday', '7d5c3c1e-0000-4000-8000-000000000000'], ['timestamp', 'uuid']],
    ['too few values', ['370911000000'], ['path', 'uuid']],
  ] as const)('refuse %s as INVALID_CURSOR', (_label, values, parts) => {
    expect(reasonOf(() => decodeKeyset(encodeCursor([...values]), parts))).toBe('INVALID_CURSOR');
  });
});

describe('path arguments', () => {
  it('take ltree paths of codes and say what is wrong with the rest', () => {
    expect(pathProblem('370911000000.370911001000.G-1_a')).toBeNull();
    expect(pathProblem('370911000000..1')).toMatch(/empty label/);
    expect(pathProblem(`370911000000.${'9'.repeat(1001)}`)).toMatch(/longer than 1000/);
    expect(pathProblem('x'.repeat(2049))).toMatch(/longer than 2048/);
    expect(pathProblem('岱岳区')).toMatch(/letters, digits/);
    expect(reasonOf(() => checkedPath('a b', 'underPath'))).toBe('MALFORMED_PATH');
  });
});
