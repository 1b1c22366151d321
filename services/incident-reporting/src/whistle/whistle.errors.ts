import { badInput, conflict, forbidden, notFound } from '@civgrid/errors';

export const WhistleErrors = {
  unknownDepartments: (ids: string[]) =>
    notFound(
      'DEPARTMENT_NOT_FOUND',
      `No department ${ids.join(', ')} is known here (a department just created may take a moment to arrive).`,
      {
        departmentIds: ids,
      },
    ),
  notFound: (id: string) => notFound('WHISTLE_NOT_FOUND', `No whistle ${id}.`),
  dueInThePast: () => badInput('WHISTLE_DUE_IN_THE_PAST', 'The deadline to report must lie in the future.'),
  incidentFinished: (status: string) =>
    conflict('INCIDENT_FINISHED', `The incident is ${status}: there is nothing to summon departments for.`, { status }),
  noDepartment: () => forbidden('NO_DEPARTMENT', 'Your account names no department: only a department officer reports to a whistle.'),
  alreadyReported: () => conflict('ALREADY_REPORTED', 'Your department has already reported to this whistle.'),
};
