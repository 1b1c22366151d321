import { badInput } from '@civgrid/errors';

import { pathProblem } from '@civgrid/auth';

export { pathProblem };

export const malformedPath = (what: string, problem: string) =>
  badInput('MALFORMED_PATH', `${what} is not an area path (codes separated by dots, e.g. 370911000000.370911001000): ${problem}.`, {
    argument: what,
  });

/** The path, checked; a refusal naming the argument otherwise. */
export function checkedPath(path: string, what: string): string;
export function checkedPath(path: string | undefined, what: string): string | undefined;
export function checkedPath(path: string | undefined, what: string): string | undefined {
  if (path === undefined) return undefined;
  const problem = pathProblem(path);
  if (problem) throw malformedPath(what, problem);
  return path;
}
