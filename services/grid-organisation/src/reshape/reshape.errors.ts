import { badInput, gridNotFound, gridRetired, notFound } from '@civgrid/errors';

const list = (keys: readonly string[]): string => keys.slice(0, 20).join(', ') + (keys.length > 20 ? ` and ${keys.length - 20} more` : '');

export const ReshapeErrors = {
  gridNotFound,
  notFound: (id: string) => notFound('RESHAPE_NOT_FOUND', `No reshaping ${id}.`),
  retired: (code: string) => gridRetired(code, 'only active grids can be reshaped.'),
  totalGrid: (code: string) =>
    badInput(
      'RESHAPE_TOTAL_GRID',
      `Grid ${code} is the total grid (总网格) of its village or community: reshape the basic and micro grids below it.`,
    ),
  tooFewParts: () => badInput('RESHAPE_TOO_FEW_PARTS', 'A split needs at least two parts.'),
  tooFewGrids: () => badInput('RESHAPE_TOO_FEW_GRIDS', 'A merge needs at least two different grids.'),
  sameGrid: () => badInput('RESHAPE_SAME_GRID', 'Coverage can only move between two different grids.'),
  codesRepeated: (codes: string[]) => badInput('RESHAPE_CODE_REPEATED', `Each new grid needs its own code; repeated: ${list(codes)}.`),
  acrossAreas: () => badInput('RESHAPE_ACROSS_AREAS', 'Only grids of the same village or community can be merged or exchange coverage.'),
  differentKinds: () => badInput('RESHAPE_DIFFERENT_KINDS', 'Only grids of the same kind can be merged.'),
  differentParents: () => badInput('RESHAPE_DIFFERENT_PARENTS', 'Only grids under the same parent grid can be merged.'),
  unknownItems: (code: string, keys: string[]) =>
    badInput('RESHAPE_UNKNOWN_ITEM', `Grid ${code} does not cover ${list(keys)}.`, { items: keys }),
  itemsTwice: (keys: string[]) =>
    badInput('RESHAPE_ITEM_TWICE', `Each coverage item goes to exactly one new grid; given twice: ${list(keys)}.`, { items: keys }),
  itemsUnplaced: (keys: string[]) =>
    badInput('RESHAPE_ITEM_UNPLACED', `Every coverage item must go to one of the new grids; not placed: ${list(keys)}.`, { items: keys }),
  noItems: () => badInput('RESHAPE_NO_ITEMS', 'Name at least one coverage item to move.'),
  unknownChildren: (ids: string[]) =>
    badInput('RESHAPE_UNKNOWN_CHILD', `These are not active grids below the grid being split: ${list(ids)}.`),
  childrenTwice: (ids: string[]) =>
    badInput('RESHAPE_CHILD_TWICE', `Each grid below goes to exactly one new grid; given twice: ${list(ids)}.`),
  childrenUnplaced: (codes: string[]) =>
    badInput(
      'RESHAPE_CHILD_UNPLACED',
      `Every active grid below the grid being split must go to one of the parts; not placed: ${list(codes)}.`,
    ),
};
