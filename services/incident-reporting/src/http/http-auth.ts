import { Catch, ExceptionFilter, ArgumentsHost, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { httpErrorOf, LOGGER, sendHttpError } from '@civgrid/service-kit';

// Reasons with an HTTP status of their own, so plain HTTP clients can react without parsing the body.
const BY_REASON: Record<string, number> = { PHOTO_TOO_LARGE: 413, PHOTO_TYPE_UNSUPPORTED: 415 };

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The error mapping of the plain HTTP endpoints (photos, Open311): typed domain errors keep their
 * meaning as HTTP statuses, PostgreSQL's refusals of bad input are mapped the way GraphQL maps them
 * (`fromPostgres`), body-parser refusals keep their 4xx; anything else is masked and logged.
 * Open311 clients get the spec's error list (`[{ code, description }]`, or `<errors>` when they
 * asked for `.xml`), everyone else `{ error: { code, reason, message } }`.
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
    const { status, message } = answer;
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    if (req.path.endsWith('.xml')) {
      // GeoReport v2 answers in the format asked for, errors included.
      res
        .status(status)
        .type('application/xml')
        .send(
          `<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>${status}</code><description>${xmlEscape(message)}</description></error></errors>\n`,
        );
    } else {
      res.status(status).json([{ code: status, description: message }]);
    }
  }
}
