import { badInput, DomainError, forbidden, notFound } from '@civgrid/errors';

export const PhotoErrors = {
  tooLarge: (max: number) =>
    new DomainError('BAD_USER_INPUT', 'PHOTO_TOO_LARGE', `A photo may be at most ${max} bytes.`, { maxBytes: max }),
  empty: () => badInput('PHOTO_EMPTY', 'The request carries no photo: send the image bytes as the body.'),
  unsupportedType: () =>
    badInput('PHOTO_TYPE_UNSUPPORTED', 'Only JPEG, PNG and WebP photos are accepted (judged by the file content, not its name).'),
  malformed: () => badInput('PHOTO_MALFORMED', 'The photo is damaged: take or upload it again.'),
  malformedId: () => badInput('PHOTO_ID_MALFORMED', 'A photo id is a UUID: use the link from Incident.photos.'),
  noSuchEndpoint: (method: string, path: string) =>
    notFound('PHOTO_ENDPOINT_NOT_FOUND', `No ${method} ${path}: upload with POST /photos, view with the signed link from Incident.photos.`),
  notFound: (id: string) => notFound('PHOTO_NOT_FOUND', `No photo ${id}.`),
  notYours: (id: string) => forbidden('PHOTO_NOT_YOURS', `Photo ${id} was uploaded by someone else: attach only photos you uploaded.`),
  linkInvalid: () =>
    forbidden('PHOTO_LINK_INVALID', 'This photo link is not valid or has expired: open the incident again for a fresh one.'),
};
