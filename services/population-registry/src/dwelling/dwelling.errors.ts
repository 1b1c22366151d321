import { conflict, gridNotFound, notFound } from '@civgrid/errors';

export const DwellingErrors = {
  notFound: (id: string) => notFound('DWELLING_NOT_FOUND', `No dwelling ${id}.`),
  idTaken: () => conflict('DWELLING_ID_TAKEN', 'That dwelling id belongs to another dwelling.'),
  gridNotFound,
};
