import { badInput, conflict, notFound } from '@civgrid/errors';

// GRID_NOT_FOUND comes from the kit's GridReplicaService, with the same code every service uses.
export const DisputeErrors = {
  notFound: (id: string) => notFound('DISPUTE_NOT_FOUND', `No dispute ${id}.`),
  gridRetired: (id: string) => conflict('GRID_RETIRED', `The grid ${id} is retired: register the dispute in the grid that took over.`),
  originIncidentRequired: () =>
    badInput('DISPUTE_ORIGIN_INCIDENT_REQUIRED', 'A dispute that comes from an incident names that incident (originIncidentId).'),
  originIncidentUnexpected: () =>
    badInput('DISPUTE_ORIGIN_INCIDENT_UNEXPECTED', 'Only a dispute whose origin is INCIDENT names an incident (originIncidentId).'),
};
