import { Catch, ExceptionFilter, ArgumentsHost, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { DomainError } from '@civgrid/errors';
import { httpErrorOf, LOGGER, sendHttpError } from '@civgrid/service-kit';
import { errorDocument, formatOf, send } from '../open311/open311.format';

// Reasons with an HTTP status of their own, so plain HTTP clients can react without parsing the body.
const BY_REASON: Record<string, number> = { PHOTO_TOO_LARGE: 413, PHOTO_TYPE_UNSUPPORTED: 415, OPEN311_RATE_LIMITED: 429 };

/**
 * GeoReport v2, "Errors": 404 for what does not exist, 403 for a wrong or missing api_key, 400 for
 * any other request that cannot be fulfilled. 429 (with Retry-After) tells a client over its key's
 * rate limit when to come back, as HTTP clients expect; our own failures stay 500.
 */
const open311Status = (status: number): number =>
  status === 401 ? 403 : status === 403 || status === 404 || status === 429 || status >= 500 ? status : 400;

/**
 * The error mapping of the plain HTTP endpoints (photos, Open311): typed domain errors keep their
 * meaning as HTTP statuses, PostgreSQL's refusals of bad input are mapped the way GraphQL maps them
 * (`fromPostgres`), body-parser refusals keep their 4xx; anything else is masked and logged.
 * Open311 clients get the specification's error document in the format they asked for (XML unless
 * the path ends in .json), everyone else `{ error: { code, reason, message } }`.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const answer = httpErrorOf(error, this.logger, req.path, BY_REASON);
    if (!req.path.startsWith('/open311/')) return sendHttpError(res, answer);
    if (res.headersSent) return;
    const retryAfter = error instanceof DomainError ? error.details?.['retryAfterSeconds'] : undefined;
    if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    const status = open311Status(answer.status);
    send(res, formatOf(req.path), status, errorDocument(status, answer.message));
  }
}
