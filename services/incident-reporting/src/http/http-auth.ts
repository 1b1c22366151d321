import { Catch, ExceptionFilter, ArgumentsHost, HttpException, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { DomainError, GraphqlCode } from '@civgrid/errors';
import { fromPostgres, LOGGER } from '@civgrid/service-kit';

const STATUS: Record<GraphqlCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INTERNAL_SERVER_ERROR: 500,
};

// Reasons with an HTTP status of their own, so plain HTTP clients can react without parsing the body.
const BY_REASON: Record<string, number> = { PHOTO_TOO_LARGE: 413, PHOTO_TYPE_UNSUPPORTED: 415 };

const codeOfStatus = (status: number): GraphqlCode =>
  status === 401
    ? 'UNAUTHENTICATED'
    : status === 403
      ? 'FORBIDDEN'
      : status === 404
        ? 'NOT_FOUND'
        : status === 409
          ? 'CONFLICT'
          : status < 500
            ? 'BAD_USER_INPUT'
            : 'INTERNAL_SERVER_ERROR';

/** Errors of Express' body parsers (http-errors): a 4xx whose message is meant for the client. */
function clientHttpError(error: unknown): { status: number; message: string } | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { status?: unknown; statusCode?: unknown; expose?: unknown; type?: unknown; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status === undefined || status < 400 || status >= 500 || e.expose !== true) return undefined;
  const what =
    e.type === 'entity.parse.failed'
      ? 'The request body is not well-formed JSON or form data.'
      : e.type === 'entity.too.large'
        ? 'The request body is too large.'
        : typeof e.message === 'string'
          ? e.message
          : 'Bad request.';
  return { status, message: what };
}

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
    let status: number;
    let reason: string;
    let message: string;
    let code: GraphqlCode;
    const pg = error && typeof error === 'object' && !(error instanceof DomainError) ? fromPostgres(error) : undefined;
    const client = clientHttpError(error);
    const domain = error instanceof DomainError ? error : pg;
    if (domain) {
      ({ code, reason, message } = domain);
      status = BY_REASON[reason] ?? STATUS[domain.code];
    } else if (error instanceof HttpException) {
      status = error.getStatus();
      code = codeOfStatus(status);
      reason = `HTTP_${status}`;
      message = error.message;
    } else if (client) {
      ({ status, message } = client);
      code = codeOfStatus(status);
      reason = `HTTP_${status}`;
    } else {
      const ref = Math.random().toString(36).slice(2, 10);
      this.logger.error({ err: error, ref, path: req.path }, 'HTTP request failed');
      status = 500;
      code = 'INTERNAL_SERVER_ERROR';
      reason = 'INTERNAL';
      message = `Something went wrong on our side (reference ${ref}).`;
    }
    if (res.headersSent) return;
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    if (!req.path.startsWith('/open311/')) {
      res.status(status).json({ error: { code, reason, message } });
    } else if (req.path.endsWith('.xml')) {
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
