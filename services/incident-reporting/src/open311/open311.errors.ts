import { badInput, notFound } from '@civgrid/errors';

export const Open311Errors = {
  unknownService: (code: string) => notFound('OPEN311_SERVICE_NOT_FOUND', `No service ${code}: see services.json.`),
  notFound: (id: string) => notFound('OPEN311_REQUEST_NOT_FOUND', `No service request ${id}.`),
  jurisdiction: (id: string) => notFound('OPEN311_JURISDICTION_NOT_FOUND', `jurisdiction_id ${id} is not served here.`),
  missing: (name: string) => badInput('OPEN311_FIELD_MISSING', `${name} is required.`),
  noLocation: () => badInput('OPEN311_LOCATION_MISSING', 'Give a location: lat and long, address_string or address_id.'),
  tooLong: (name: string, max: number) => badInput('OPEN311_FIELD_TOO_LONG', `${name} may be at most ${max} characters.`),
  noSuchEndpoint: (path: string) =>
    notFound('OPEN311_ENDPOINT_NOT_FOUND', `No endpoint ${path}: this GeoReport v2 facade serves services.json and requests.json.`),
  malformedId: (name: string, what: string) => badInput('OPEN311_ID_MALFORMED', `${name} must be ${what} (a UUID).`),
  controlCharacter: (name: string) => badInput('OPEN311_FIELD_MALFORMED', `${name} contains a NUL or other control character.`),
  format: () => badInput('OPEN311_FORMAT_UNSUPPORTED', 'Only the JSON format is served: use .json.'),
};
