import { forbidden, notFound } from '@civgrid/errors';

export const DwellingErrors = {
  notFound: (id: string) => notFound('DWELLING_NOT_FOUND', `No dwelling ${id}.`),
  gridNotFound: (id: string) => notFound('GRID_NOT_FOUND', `No grid ${id} is known here.`),
  notYourGrid: () => forbidden('NOT_YOUR_GRID', 'A grid member registers dwellings only in the grids they look after.'),
};
