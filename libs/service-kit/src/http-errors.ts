import { randomUUID } from 'node:crypto';
import { HttpException } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { DomainError, GraphqlCode, RETRY_AFTER_SECONDS } from '@civgrid/errors';
import { codeOfStatus, databaseUnavailable, fromPostgres } from './errors';

/** What a plain HTTP endpoint (an upload, Open311, a check-in) answers for an error. */
export interface HttpErrorAnswer {
  status: number;
  code: GraphqlCode;
  reason: string;
  message: string;
}

const STATUS: Record<GraphqlCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/** Errors of Express' body parsers (http-errors): a 4xx whose message is meant for the client. */
function clientHttpError(error: unknown): { status: number; message: string } | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { status?: unknown; statusCode?: unknown; expose?: unknown; type?: unknown; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status === undefined || status < 400 || status >= 500 || e.expose !== true) return undefined;
  const message =
    e.type === 'entity.parse.failed'
      ? 'The request body is not well-formed JSON or form data.'
      : e.type === 'entity.too.large'
        ? 'The request body is too large.'
        : typeof e.message === 'string'
          ? e.message
          : 'Bad request.';
  return { status, message };
}

/**
 * The one mapping of the plain HTTP endpoints, as GraphQL maps errors: typed domain errors keep
 * their meaning as statuses (`byReason` gives some reasons a status of their own, e.g. 413), the
 * database's refusals of bad input go through `fromPostgres`, body-parser refusals keep their 4xx;
 * anything else is masked with a reference that is logged with the error.
 */
export function httpErrorOf(error: unknown, logger: Logger, path: string, byReason: Record<string, number> = {}): HttpErrorAnswer {
  const domain =
    error instanceof DomainError
      ? error
      : error && typeof error === 'object' && !(error instanceof HttpException)
        ? (fromPostgres(error) ?? databaseUnavailable(error))
        : undefined;
  if (domain)
    return { status: byReason[domain.reason] ?? STATUS[domain.code], code: domain.code, reason: domain.reason, message: domain.message };
  const http = error instanceof HttpException ? { status: error.getStatus(), message: error.message } : clientHttpError(error);
  if (http && http.status < 500) return { ...http, code: codeOfStatus(http.status), reason: `HTTP_${http.status}` };
  const reference = randomUUID();
  logger.error({ err: error, reference, path }, 'HTTP request failed');
  return {
    status: 500,
    code: 'INTERNAL_SERVER_ERROR',
    reason: 'INTERNAL',
    message: `Something went wrong on our side. Reference: ${reference}`,
  };
}

/** Sends `{ error: { code, reason, message } }` with the answer's status. */
export function sendHttpError(res: ServerResponse, answer: HttpErrorAnswer): void {
  if (res.headersSent) return;
  if (answer.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  if (answer.status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  res.statusCode = answer.status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  const { code, reason, message } = answer;
  res.end(JSON.stringify({ error: { code, reason, message, ...(code === 'SERVICE_UNAVAILABLE' ? { retryable: true } : {}) } }));
}
