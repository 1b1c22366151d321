import { badInput, conflict, notFound } from '@civgrid/errors';

export const VisitErrors = {
  inFuture: () => badInput('VISIT_IN_FUTURE', 'A visit cannot be recorded for a time still to come.'),
  idTaken: () => conflict('VISIT_ID_TAKEN', 'That visit id belongs to another visit.'),
  needNotFound: (id: string) => notFound('NEED_NOT_FOUND', `No need ${id}.`),
  needAlreadyMet: () => conflict('NEED_ALREADY_MET', 'The need has already been met.'),
  areaPathInvalid: () => badInput('AREA_PATH_INVALID', 'The area path is an ltree path of area codes.'),
};
