import { badInput, conflict, forbidden, gridNotFound, gridRetired, notFound } from '@civgrid/errors';

export const MemberErrors = {
  notFound: (id: string) => notFound('MEMBER_NOT_FOUND', `No grid member ${id}.`),
  areaNotFound: (id: string) => notFound('AREA_NOT_FOUND', `No administrative area ${id}.`),
  phoneInvalid: () =>
    badInput(
      'MEMBER_PHONE_INVALID',
      'The phone number must be a mainland mobile number (11 digits, 1[3-9]…) or a landline with area code.',
    ),
  phoneTaken: () => conflict('MEMBER_PHONE_TAKEN', 'A grid member with this phone number is already registered.'),
  userTaken: (userId: string) => conflict('MEMBER_USER_TAKEN', `User account ${userId} is already linked to another grid member.`),
  purposeInvalid: () => badInput('PII_PURPOSE_INVALID', 'State why you need the phone number (3–500 characters).'),
  phoneSearchForbidden: () => forbidden('ROLE_REQUIRED', 'Searching grid members by phone needs a community, town or district officer.'),
  gridNotFound,
  gridRetired: (code: string) => gridRetired(code, 'nobody can be assigned to it.'),
  leaderTaken: (code: string, details: Record<string, unknown> = {}) =>
    conflict('GRID_LEADER_TAKEN', `Grid ${code} already has a grid leader (网格长) for that time: end that assignment first.`, details),
  assignmentExists: () => conflict('ASSIGNMENT_EXISTS', 'This member already holds this role on this grid for that time.'),
  assignmentNotFound: (id: string) => notFound('ASSIGNMENT_NOT_FOUND', `No grid assignment ${id}.`),
  assignmentEnded: () => conflict('ASSIGNMENT_ENDED', 'This assignment has already ended.'),
  endBeforeStart: () => badInput('ASSIGNMENT_END_BEFORE_START', 'An assignment cannot end before it starts.'),
};
