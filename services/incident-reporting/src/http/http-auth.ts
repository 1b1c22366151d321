import { Catch, ExceptionFilter, ArgumentsHost, HttpException, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { DomainError, GraphqlCode } from '@civgrid/errors';
import { LOGGER } from '@civgrid/service-kit';

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

/**
 * The error mapping of the plain HTTP endpoints (photos, Open311): typed domain errors keep their
 * meaning as HTTP statuses; anything else is masked and logged. Open311 clients get the spec's
 * `[{ code, description }]`, everyone else `{ error: { code, reason, message } }`.
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
    if (error instanceof DomainError) {
      ({ code, reason, message } = error);
      status = BY_REASON[reason] ?? STATUS[error.code];
    } else if (error instanceof HttpException) {
      status = error.getStatus();
      code = status === 404 ? 'NOT_FOUND' : status < 500 ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR';
      reason = `HTTP_${status}`;
      message = error.message;
    } else {
      const ref = Math.random().toString(36).slice(2, 10);
      this.logger.error({ err: error, ref, path: req.path }, 'HTTP request failed');
      status = 500;
      code = 'INTERNAL_SERVER_ERROR';
      reason = 'INTERNAL';
      message = `Something went wrong on our side (reference ${ref}).`;
    }
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    if (req.path.startsWith('/open311/')) res.status(status).json([{ code: status, description: message }]);
    else res.status(status).json({ error: { code, reason, message } });
  }
}
