import { isWithin, pathProblem } from './scope';

describe('area paths', () => {
  it('treats a path as within a scope label by label, not by string prefix', () => {
    expect(isWithin('370911000000.370911001000.370911001001', '370911000000.370911001000')).toBe(true);
    expect(isWithin('370911000000.3709110010009', '370911000000.370911001000')).toBe(false);
  });

  it('names what ltree would refuse', () => {
    expect(pathProblem('')).toBe('it is empty');
    expect(pathProblem('370911000000..1')).toMatch(/empty label/);
    expect(pathProblem('3709 11')).toMatch(/labels are/);
    expect(pathProblem('370911000000.370911001000')).toBeNull();
  });
});
