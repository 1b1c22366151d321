import { badInput } from '@civgrid/errors';

// ltree refuses a label over 1,000 characters (and any character outside these); our own codes are
// far shorter, but a path argument is refused here, with its name, before PostgreSQL sees it.
const LABEL = /^[A-Za-z0-9_-]+$/;
const MAX_LABEL = 1000;
const MAX_PATH = 2048;

/** What is wrong with an area or grid path, or null when ltree will take it. */
export function pathProblem(path: string): string | null {
  if (path.length === 0) return 'it is empty';
  if (path.length > MAX_PATH) return `it is longer than ${MAX_PATH} characters`;
  for (const label of path.split('.')) {
    if (label.length === 0) return 'it has an empty label (two dots, or a dot at an end)';
    if (label.length > MAX_LABEL) return `a label is longer than ${MAX_LABEL} characters`;
    if (!LABEL.test(label)) return 'labels are letters, digits, dashes and underscores, separated by dots';
  }
  return null;
}

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
