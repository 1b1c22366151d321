import { badInput, conflict, notFound, unauthenticated } from '@civgrid/errors';

export const CareErrors = {
  agreementNotFound: (id: string) => notFound('AGREEMENT_NOT_FOUND', `No wellbeing-check agreement ${id}.`),
  responsibleMemberNotFound: (id: string) =>
    notFound('MEMBER_NOT_FOUND', `No grid member ${id} works on the resident's grid: name one assigned to it (or to a grid above it).`),
  deadlineInvalid: () => badInput('DEADLINE_INVALID', 'The deadline is a time of day, HH:MM (00:00–23:59).'),
  daysInvalid: () => badInput('DAYS_INVALID', 'Days are ISO weekdays 1 (Monday) to 7 (Sunday), each at most once.'),
  agreementExists: () => conflict('AGREEMENT_EXISTS', 'The resident already has an active wellbeing-check agreement: end it first.'),
  agreementEnded: () => conflict('AGREEMENT_ENDED', 'The agreement has ended.'),
  checkInInFuture: () => badInput('CHECK_IN_IN_FUTURE', 'A check-in cannot be recorded for a time still to come.'),
  tokenInvalid: () =>
    unauthenticated('CHECK_IN_TOKEN_INVALID', 'This check-in link is not valid or was replaced: ask your grid member for a new one.'),
};
