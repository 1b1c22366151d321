import { conflict } from '@civgrid/errors';

// One code for one state, whatever the entry point: writing in a retired grid conflicts with its state.
export const GridErrors = {
  notActive: (id: string) => conflict('GRID_NOT_ACTIVE', `The grid ${id} is retired: work in an active grid.`),
};
