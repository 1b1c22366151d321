import { notFound } from '@civgrid/errors';

export const DwellingErrors = {
  notFound: (id: string) => notFound('DWELLING_NOT_FOUND', `No dwelling ${id}.`),
  gridNotFound: (id: string) => notFound('GRID_NOT_FOUND', `No grid ${id} is known here.`),
};
