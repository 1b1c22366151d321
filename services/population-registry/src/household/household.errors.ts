import { conflict, notFound } from '@civgrid/errors';

export const HouseholdErrors = {
  notFound: (id: string) => notFound('HOUSEHOLD_NOT_FOUND', `No household ${id}.`),
  numberTaken: (number: string) => conflict('HOUSEHOLD_NUMBER_TAKEN', `Household number ${number} is already registered.`),
  dwellingNotFound: (id: string) => notFound('DWELLING_NOT_FOUND', `No dwelling ${id}.`),
  gridNotActive: (id: string) => conflict('GRID_NOT_ACTIVE', `The grid ${id} is retired.`),
  sameDwelling: () => conflict('HOUSEHOLD_ALREADY_THERE', 'The household already lives in that dwelling.'),
};
