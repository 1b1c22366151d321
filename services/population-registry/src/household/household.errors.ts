import { conflict, notFound } from '@civgrid/errors';

export const HouseholdErrors = {
  notFound: (id: string) => notFound('HOUSEHOLD_NOT_FOUND', `No household ${id}.`),
  numberTaken: (number: string) => conflict('HOUSEHOLD_NUMBER_TAKEN', `Household number ${number} is already registered.`),
  idTaken: () => conflict('HOUSEHOLD_ID_TAKEN', 'That household id belongs to another household.'),
  dwellingNotFound: (id: string) => notFound('DWELLING_NOT_FOUND', `No dwelling ${id}.`),
  headTaken: (id: string) =>
    conflict(
      'HOUSEHOLD_HAS_HEAD',
      `Household ${id} already has a head (户主): record the newcomer with another relation, or move the current head out first.`,
    ),
  sameDwelling: () => conflict('HOUSEHOLD_ALREADY_THERE', 'The household already lives in that dwelling.'),
};
