import { thrownReason } from '@civgrid/testing';
import { checkedPath, pathProblem } from './paths';

describe('path arguments', () => {
  it('take ltree paths of codes and say what is wrong with the rest', () => {
    expect(pathProblem('370911000000.370911001000.G-1_a')).toBeNull();
    expect(pathProblem('370911000000..1')).toMatch(/empty label/);
    expect(pathProblem(`370911000000.${'9'.repeat(1001)}`)).toMatch(/longer than 1000/);
    expect(pathProblem('x'.repeat(2049))).toMatch(/longer than 2048/);
    expect(pathProblem('岱岳区')).toMatch(/letters, digits/);
    expect(thrownReason(() => checkedPath('a b', 'underPath'))).toBe('MALFORMED_PATH');
  });
});
