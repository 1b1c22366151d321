import { conflict, forbidden, notFound } from '@civgrid/errors';

export const IncidentErrors = {
  notFound: (id: string) => notFound('INCIDENT_NOT_FOUND', `No incident ${id}.`),
  gridRetired: (id: string) => conflict('GRID_RETIRED', `Grid ${id} is retired: report in the grid that now covers the place.`),
  notYourGrid: () => forbidden('GRID_NOT_ASSIGNED', 'A grid member reports incidents only in the grids they look after.'),
  idempotencyKeyReused: () =>
    conflict(
      'IDEMPOTENCY_KEY_REUSED',
      'This idempotency key was already used for a different incident: generate a new key for a new report.',
    ),
};
