import { badInput, conflict, gridNotFound, gridRetired, notFound } from '@civgrid/errors';

const list = (items: readonly string[]): string =>
  items.slice(0, 20).join(', ') + (items.length > 20 ? ` and ${items.length - 20} more` : '');

export const GridErrors = {
  notFound: gridNotFound,
  areaNotFound: (id: string) => notFound('AREA_NOT_FOUND', `No administrative area ${id}.`),
  areaNotVillage: () => badInput('GRID_AREA_NOT_VILLAGE', 'Grids belong to a village or community, not to a town or district.'),
  parentNotFound: (id: string) => notFound('GRID_PARENT_NOT_FOUND', `The parent grid ${id} does not exist.`),
  totalHasNoParent: () =>
    badInput('GRID_KIND_INVALID', 'A total grid (总网格) is the top of its village or community: it has no parent grid.'),
  parentRequired: (kind: string) => badInput('GRID_PARENT_REQUIRED', `A ${kind.toLowerCase()} grid needs a parent grid.`),
  parentKindInvalid: (kind: string, expected: string) =>
    badInput('GRID_PARENT_KIND_INVALID', `A ${kind.toLowerCase()} grid sits under a ${expected.toLowerCase()} grid.`),
  parentInOtherArea: () => badInput('GRID_PARENT_OTHER_AREA', 'The parent grid belongs to another village or community.'),
  parentRetired: () => conflict('GRID_PARENT_RETIRED', 'The parent grid is retired.'),
  codeTaken: (code: string) => conflict('GRID_CODE_TAKEN', `A grid with code ${code} already exists.`),
  retired: (code: string) => gridRetired(code, 'it can no longer change.'),
  hasActiveChildren: (code: string, n: number) =>
    conflict('GRID_HAS_ACTIVE_CHILDREN', `Grid ${code} still has ${n} active grid(s) below it: retire, merge or move them first.`),
  coverageRemoved: (code: string, keys: string[]) =>
    conflict(
      'GRID_COVERAGE_REMOVAL',
      `updateGrid only adds coverage; grid ${code} would lose ${list(keys)}. To hand items to another grid use moveCoverage; to redraw grids use splitGrid or mergeGrids: they keep the history and tell other services where each item went.`,
      { items: keys },
    ),
  coverageTaken: (code: string, taken: { key: string; code: string }[]) =>
    conflict(
      'GRID_COVERAGE_TAKEN',
      `Grid ${code} cannot take ${list(taken.map((t) => `${t.key} (covered by grid ${t.code})`))}: an item of the village belongs to one grid. Move it with moveCoverage from the grid that covers it.`,
      { items: taken.map((t) => ({ key: t.key, gridCode: t.code })) },
    ),
  coverageRepeated: (keys: string[]) =>
    badInput('GRID_COVERAGE_REPEATED', `A coverage item is listed twice: ${keys.join(', ')}.`, { items: keys }),
  boundaryInvalid: (problem: string) => badInput('GRID_BOUNDARY_INVALID', `The boundary is not a valid GeoJSON polygon: ${problem}.`),
  boundaryBothWays: () => badInput('GRID_BOUNDARY_INVALID', 'Give a new boundary or clearBoundary, not both.'),
  reasonMissing: () =>
    badInput('GRID_RETIRE_REASON_MISSING', 'Say why the grid is retired (1–500 characters): it is kept for the history.'),
  totalExists: () => conflict('GRID_TOTAL_EXISTS', 'This village or community already has an active total grid.'),
};
