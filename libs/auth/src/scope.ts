// ltree refuses a label over 1,000 characters (and any character outside these); our own codes are
// far shorter, but a path a client sends is refused before PostgreSQL sees it.
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

export const isLtreePath = (path: string): boolean => pathProblem(path) === null;

/** `path <@ scope` in ltree terms: the same node or one below it, label by label. */
export const isWithin = (path: string, scope: string): boolean => path === scope || path.startsWith(`${scope}.`);
