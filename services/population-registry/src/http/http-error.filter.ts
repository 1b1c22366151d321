import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpErrorOf, LOGGER, sendHttpError, ServiceLogger } from '@civgrid/service-kit';

// Reasons with an HTTP status of their own, so plain HTTP clients can react without parsing the body.
const BY_REASON: Record<string, number> = { LEDGER_TOO_LARGE: 413, LEDGER_NOT_CSV: 415 };

/** This service's plain HTTP endpoints (ledger upload, check-in) answer errors as the kit maps them. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: ServiceLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<IncomingMessage>();
    sendHttpError(
      host.switchToHttp().getResponse<ServerResponse>(),
      httpErrorOf(error, this.logger, req.url?.split('?')[0] ?? '', BY_REASON),
    );
  }
}
