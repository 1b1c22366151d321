import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError, GraphqlCode } from '@civgrid/errors';
import { createLogger, fromPostgres, LOGGER } from '@civgrid/service-kit';

type Logger = ReturnType<typeof createLogger>;

const STATUS: Record<GraphqlCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INTERNAL_SERVER_ERROR: 500,
};

// Reasons with an HTTP status of their own, so plain HTTP clients can react without parsing the body.
const BY_REASON: Record<string, number> = { LEDGER_TOO_LARGE: 413, LEDGER_NOT_CSV: 415 };

/**
 * The error mapping of this service's plain HTTP endpoints (ledger upload, check-in), as incident
 * reporting maps its photo endpoint: typed domain errors and PostgreSQL's refusals of bad input keep
 * their meaning as HTTP statuses with `{ error: { code, reason, message } }`; anything else is masked
 * with a reference that is logged.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<IncomingMessage>();
    const res = host.switchToHttp().getResponse<ServerResponse>();
    const domain =
      error instanceof DomainError
        ? error
        : error && typeof error === 'object' && !(error instanceof HttpException)
          ? fromPostgres(error)
          : undefined;
    let status: number;
    let body: { code: GraphqlCode; reason: string; message: string };
    if (domain) {
      status = BY_REASON[domain.reason] ?? STATUS[domain.code];
      body = { code: domain.code, reason: domain.reason, message: domain.message };
    } else if (error instanceof HttpException) {
      status = error.getStatus();
      body = {
        code: status === 404 ? 'NOT_FOUND' : status < 500 ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR',
        reason: `HTTP_${status}`,
        message: error.message,
      };
    } else {
      const ref = Math.random().toString(36).slice(2, 10);
      this.logger.error({ err: error, ref, path: req.url?.split('?')[0] }, 'HTTP request failed');
      status = 500;
      body = { code: 'INTERNAL_SERVER_ERROR', reason: 'INTERNAL', message: `Something went wrong on our side (reference ${ref}).` };
    }
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ error: body }));
  }
}
