import { DomainError } from '@civgrid/errors';
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
