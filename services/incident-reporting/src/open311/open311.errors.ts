import { badInput, DomainError, forbidden, notFound } from '@civgrid/errors';

export const Open311Errors = {
  unknownService: (code: string) => notFound('OPEN311_SERVICE_NOT_FOUND', `No service ${code}: see services.xml.`),
  notFound: (id: string) => notFound('OPEN311_REQUEST_NOT_FOUND', `No service request ${id}.`),
  jurisdiction: (id: string) => notFound('OPEN311_JURISDICTION_NOT_FOUND', `jurisdiction_id ${id} is not served here.`),
  missing: (name: string) => badInput('OPEN311_FIELD_MISSING', `${name} is required.`),
  noLocation: () => badInput('OPEN311_LOCATION_MISSING', 'Give a location: lat and long, address_string or address_id.'),
  halfAPoint: () => badInput('OPEN311_LOCATION_INCOMPLETE', 'lat and long go together: give both, or neither.'),
  coordinate: (name: string, bound: number) => badInput('OPEN311_COORDINATE_INVALID', `${name} must be a number within ±${bound}.`),
  tooLong: (name: string, max: number) => badInput('OPEN311_FIELD_TOO_LONG', `${name} may be at most ${max} characters.`),
  noSuchEndpoint: (path: string) =>
    notFound(
      'OPEN311_ENDPOINT_NOT_FOUND',
      `No endpoint ${path}: this GeoReport v2 endpoint serves discovery, services, requests and servicerequestupdates (.xml or .json).`,
    ),
  malformedId: (name: string, what: string) => badInput('OPEN311_ID_MALFORMED', `${name} must be ${what} (a UUID).`),
  controlCharacter: (name: string) => badInput('OPEN311_FIELD_MALFORMED', `${name} contains a NUL or other control character.`),
  format: (name: string) => badInput('OPEN311_FORMAT_UNSUPPORTED', `${name}: the formats served are .xml and .json.`),
  repeated: (name: string) =>
    badInput(
      'OPEN311_PARAMETER_REPEATED',
      `${name} was given more than once: give it once (several values go comma-separated where allowed).`,
      {
        parameter: name,
      },
    ),
  date: (name: string) =>
    badInput(
      'OPEN311_DATE_INVALID',
      `${name} must be a W3C date-time with a time zone, e.g. 2026-05-01T08:00:00+08:00 or 2026-05-01T00:00:00Z.`,
      { parameter: name },
    ),
  dateOrder: () => badInput('OPEN311_DATE_RANGE_REVERSED', 'start_date must not be after end_date.'),
  range: (days: number) =>
    badInput('OPEN311_DATE_RANGE_TOO_LONG', `start_date to end_date may span at most ${days} days: ask for the period in parts.`),
  status: () => badInput('OPEN311_STATUS_INVALID', 'status is open, closed, or both comma-separated.'),
  tooManyIds: (max: number) => badInput('OPEN311_TOO_MANY_IDS', `At most ${max} service_request_id values at once.`),
  keyMissing: () => forbidden('OPEN311_API_KEY_MISSING', 'An api_key is required to file a service request: ask the district for one.'),
  gridOutsideKey: (id: string) =>
    forbidden('OPEN311_GRID_OUTSIDE_KEY', `Grid ${id} lies outside the areas this api_key may file in: ask the district to widen the key.`),
  keyInvalid: () => forbidden('OPEN311_API_KEY_INVALID', 'The api_key is not valid (unknown or revoked).'),
  rateLimited: (limit: number, retryAfterSeconds: number) =>
    new DomainError(
      'BAD_USER_INPUT',
      'OPEN311_RATE_LIMITED',
      `This api_key may make ${limit} calls a minute: try again in ${retryAfterSeconds} s.`,
      { retryAfterSeconds },
    ),
  multipart: (why: string) => badInput('OPEN311_MULTIPART_INVALID', `The multipart/form-data body is not usable: ${why}.`),
};
