import { badInput, conflict, notFound } from '@civgrid/errors';

export const SessionErrors = {
  notFound: (id: string) => notFound('SESSION_NOT_FOUND', `No mediation session ${id}.`),
  roomBooked: (room: string, taken: { startsAt: string; endsAt: string } | undefined) =>
    conflict(
      'ROOM_ALREADY_BOOKED',
      `The room ${room} is already booked${taken ? ` from ${taken.startsAt} to ${taken.endsAt}` : ''} for part of that time: choose another time or room.`,
      taken ? { bookedFrom: taken.startsAt, bookedUntil: taken.endsAt } : undefined,
    ),
  endsBeforeStart: () => badInput('SESSION_ENDS_BEFORE_START', 'A session ends after it starts.'),
  tooLong: () => badInput('SESSION_TOO_LONG', 'A session lasts at most 12 hours.'),
  disputeNotOpenForSessions: (status: string) =>
    conflict('DISPUTE_NOT_IN_MEDIATION', `Sessions are booked for accepted disputes in mediation; this one is ${status}.`),
  roomOutOfArea: () =>
    badInput('ROOM_OUT_OF_AREA', 'That room serves another area: choose a room whose centre or committee covers the dispute.'),
  mediatorNotAtLevel: (ids: string[]) =>
    badInput(
      'MEDIATOR_NOT_AT_THIS_LEVEL',
      'Every mediator must belong to the committee that handles the dispute at its current level and area.',
      { mediatorIds: ids },
    ),
  departmentNotSeated: (ids: string[]) =>
    badInput('DEPARTMENT_NOT_SEATED', 'Only departments seated in the centre take part in its sessions.', { departmentIds: ids }),
  departmentNotInArea: (ids: string[]) =>
    badInput(
      'DEPARTMENT_NOT_IN_AREA',
      "In a committee's own room, a department takes part when it is seated in a centre serving the dispute's area.",
      { departmentIds: ids },
    ),
  notScheduled: (status: string) =>
    conflict('SESSION_NOT_SCHEDULED', `The session is ${status}: only a scheduled session can be held or cancelled.`),
  notStarted: (startsAt: string) =>
    badInput('SESSION_NOT_STARTED', `The session starts at ${startsAt}: record its minutes once it has begun.`, { startsAt }),
  unknownParty: (ids: string[]) =>
    badInput('ATTENDANCE_UNKNOWN_PARTY', 'Attendance names parties of this dispute only.', { partyIds: ids }),
};
