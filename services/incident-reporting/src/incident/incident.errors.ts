import { badInput, conflict, forbidden, gridRetired, notFound } from '@civgrid/errors';

export const IncidentErrors = {
  notFound: (id: string) => notFound('INCIDENT_NOT_FOUND', `No incident ${id}.`),
  residentNotFound: (id: string) => notFound('RESIDENT_NOT_FOUND', `No resident ${id} in your reach.`),
  dwellingNotFound: (id: string) => notFound('DWELLING_NOT_FOUND', `No dwelling ${id} in your reach.`),
  gridRetired: (id: string) => gridRetired(id, 'report in the grid that now covers the place.'),
  idempotencyKeyReused: () =>
    conflict(
      'IDEMPOTENCY_KEY_REUSED',
      'This idempotency key was already used for a different incident: generate a new key for a new report.',
    ),
  illegalTransition: (action: string, status: string) =>
    conflict('ILLEGAL_TRANSITION', `An incident that is ${status} cannot be given the step ${action}.`, { action, status }),
  notAllowed: (action: string) =>
    forbidden('TRANSITION_NOT_ALLOWED', `Your role may not take the step ${action} on this incident.`, { action }),
  unknownSubcategory: (category: string, subcategory: string) =>
    badInput('UNKNOWN_SUBCATEGORY', `${subcategory} is not a subcategory of ${category}: see incidentCategories.`, {
      category,
      subcategory,
    }),
  controlCharacter: (field: string) => badInput('TEXT_CONTROL_CHARACTER', `${field} contains a NUL or other control character.`, { field }),
  numbersExhausted: (year: number) =>
    conflict(
      'INCIDENT_NUMBERS_EXHAUSTED',
      `All 999,999 incident numbers of ${year} are taken: no more incidents can be numbered this year.`,
      {
        year,
      },
    ),
  halfAPoint: () => badInput('LOCATION_POINT_INCOMPLETE', 'Give both latitude and longitude, or neither.'),
  finished: (status: string) => conflict('INCIDENT_FINISHED', `The incident is ${status}: nothing more can be done with it.`, { status }),
  topLevel: () =>
    conflict(
      'ALREADY_AT_DISTRICT',
      'The incident is already handled at district level: it cannot go higher (escalate it as a dispute instead).',
    ),
  disputeKindWithoutDispute: () => badInput('DISPUTE_KIND_WITHOUT_DISPUTE', 'disputeKind is given only when escalating as a dispute.'),
  periodReversed: () => badInput('PERIOD_REVERSED', 'from must be before to.'),
};
