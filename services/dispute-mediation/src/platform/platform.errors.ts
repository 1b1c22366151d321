import { badInput, conflict, notFound } from '@civgrid/errors';

export const PlatformErrors = {
  committeeNotFound: (id: string) => notFound('COMMITTEE_NOT_FOUND', `No mediation committee ${id}.`),
  mediatorNotFound: (id: string) => notFound('MEDIATOR_NOT_FOUND', `No mediator ${id}.`),
  centreNotFound: (id: string) => notFound('CENTRE_NOT_FOUND', `No mediation centre ${id}.`),
  roomNotFound: (id: string) => notFound('ROOM_NOT_FOUND', `No room ${id}.`),
  levelDepth: (level: string) =>
    badInput(
      'COMMITTEE_AREA_LEVEL',
      `A ${level} committee serves a ${level === 'DISTRICT' ? 'district (1 label)' : level === 'TOWN' ? 'town or street (2 labels)' : 'village or community (3 labels)'}.`,
    ),
  committeeExists: () => conflict('COMMITTEE_EXISTS', 'That area already has a committee at this level.'),
  departmentNotFound: (ids: string[]) =>
    notFound('DEPARTMENT_NOT_FOUND', `No department ${ids.join(', ')} is known here.`, { departmentIds: ids }),
};
