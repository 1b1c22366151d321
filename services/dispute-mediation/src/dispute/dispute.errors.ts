import { badInput, conflict, forbidden, gridRetired, notFound } from '@civgrid/errors';

// GRID_NOT_FOUND (from the kit's GridReplicaService) and GRID_RETIRED are @civgrid/errors', shared by every service.
export const DisputeErrors = {
  notFound: (id: string) => notFound('DISPUTE_NOT_FOUND', `No dispute ${id}.`),
  gridRetired: (id: string) => gridRetired(id, 'register the dispute in the grid that took over.'),
  originIncidentNotFound: (id: string) => notFound('INCIDENT_NOT_FOUND', `No incident ${id} in your reach.`),
  residentNotFound: (id: string) => notFound('RESIDENT_NOT_FOUND', `No resident ${id} in your reach.`),
  originIncidentRequired: () =>
    badInput('DISPUTE_ORIGIN_INCIDENT_REQUIRED', 'A dispute that comes from an incident names that incident (originIncidentId).'),
  originIncidentUnexpected: () =>
    badInput('DISPUTE_ORIGIN_INCIDENT_UNEXPECTED', 'Only a dispute whose origin is INCIDENT names an incident (originIncidentId).'),
  referredByUnexpected: () =>
    badInput('DISPUTE_REFERRED_BY_UNEXPECTED', 'Only a dispute whose origin is REFERRAL names who referred it (referredBy).'),
  referredByRequired: () =>
    badInput('DISPUTE_REFERRED_BY_REQUIRED', 'A referred dispute names who referred it (referredBy: COURT, LETTERS_AND_CALLS, …).'),
  levelOutOfScope: (level: string, area: string) =>
    forbidden('LEVEL_OUT_OF_SCOPE', `You may not register a dispute at ${level} level: its area ${area} lies outside your areas.`, {
      level,
      area,
    }),
  notOnCommitteeHere: (level: string, area: string) =>
    forbidden(
      'MEDIATOR_NOT_ON_COMMITTEE',
      `A mediator registers disputes for their own committee's area: no committee of yours covers ${area} (${level} level).`,
      { level, area },
    ),
  noCommitteeAtLevel: (level: string, area: string) =>
    badInput('NO_COMMITTEE_AT_LEVEL', `No ${level} committee serves ${area}: register the dispute at a level that has one.`, {
      level,
      area,
    }),
  incidentAlreadyHasDispute: (incidentId: string) =>
    conflict('INCIDENT_ALREADY_HAS_DISPUTE', `The incident ${incidentId} already has a dispute; open that one.`),
  partyIdentity: (index: number) =>
    badInput(
      'DISPUTE_PARTY_IDENTITY',
      `Party ${index + 1}: a RESIDENT is named by residentId only; a PERSON or ORGANISATION by name only.`,
    ),
  illegalTransition: (id: string, status: string, action: string, allowed: string[]) =>
    conflict('DISPUTE_ILLEGAL_TRANSITION', `The dispute ${id} is ${status}: it cannot ${action.toLowerCase().replace(/_/g, ' ')} now.`, {
      status,
      action,
      allowed,
    }),
  alreadyAtTopLevel: (id: string) =>
    conflict('DISPUTE_AT_TOP_LEVEL', `The dispute ${id} is already at district level: there is no level above.`),
  notAtYourLevel: (level: string) =>
    forbidden(
      'NOT_AT_THIS_LEVEL',
      `This dispute is handled at ${level} level by the committee whose area covers it; you do not belong to that committee.`,
    ),
  noAgreement: (id: string) => conflict('DISPUTE_NO_AGREEMENT', `The dispute ${id} has no mediated agreement to confirm or follow up.`),
  confirmationOrder: (current: string | null, wanted: string) =>
    conflict(
      'JUDICIAL_CONFIRMATION_ORDER',
      `Judicial confirmation cannot go from ${current ?? 'none'} to ${wanted}: request it first, then record the court's decision.`,
    ),
  signedInFuture: () => badInput('AGREEMENT_SIGNED_IN_FUTURE', 'An agreement cannot be signed on a day that has not come yet.'),
  followUpBeforeAgreement: (signedOn: string) =>
    badInput('FOLLOW_UP_BEFORE_AGREEMENT', `A follow-up visit comes after the agreement signed on ${signedOn}.`),
  followUpInFuture: () => badInput('FOLLOW_UP_IN_FUTURE', 'Record a follow-up visit once it has taken place.'),
  noHeldSession: (id: string) =>
    conflict('DISPUTE_NO_SESSION_HELD', `The dispute ${id} has had no mediation session yet: hold one before recording an outcome.`),
};
