import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

/** Codes of the answers given before a request reaches GraphQL (or instead of it). */
export type EdgeCode =
  | 'BAD_REQUEST'
  | 'BAD_USER_INPUT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'QUERY_TOO_COMPLEX'
  | 'SUBSCRIPTIONS_NOT_SUPPORTED'
  | 'PERSISTED_QUERY_HASH_MISMATCH'
  | 'PERSISTED_QUERY_NOT_FOUND'
  | 'OPERATION_RESOLUTION_FAILURE'
  | 'GATEWAY_CREDENTIAL_REQUIRED'
  | 'RATE_LIMITED'
  | 'REQUEST_TIMEOUT'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

/** Sends a GraphQL-shaped error: `{ errors: [{ message, extensions: { code, … } }] }`. */
export function sendGraphqlError(
  res: Response,
  status: number,
  code: EdgeCode,
  message: string,
  extensions: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.status(status);
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  if (!res.getHeader('cache-control')) res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] }));
}

interface HttpishError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  expose?: unknown;
}

/**
 * The last handler of an HTTP app: body-parser refusals (malformed JSON, an oversized body, an
 * unknown charset) keep their 4xx with a code of their own; anything else is masked with a logged
 * reference. Never a stack, never HTML, and never the request body in the log (body-parser puts
 * the raw text on its error).
 */
export function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const e = (error && typeof error === 'object' ? error : {}) as HttpishError;
    const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
    switch (e.type) {
      case 'entity.parse.failed':
        return sendGraphqlError(res, 400, 'BAD_REQUEST', 'The request body is not well-formed JSON.');
      case 'entity.too.large':
        return sendGraphqlError(res, 413, 'PAYLOAD_TOO_LARGE', 'The request body is too large.');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return sendGraphqlError(
          res,
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          'The request body has an encoding or charset this server does not read.',
        );
      default:
        break;
    }
    if (status >= 400 && status < 500) return sendGraphqlError(res, status, 'BAD_REQUEST', 'The request cannot be read.');
    const reference = randomUUID();
    const err = error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { value: String(error) };
    logger.error({ err, reference, method: req.method, path: req.path }, 'HTTP request failed');
    return sendGraphqlError(res, 500, 'INTERNAL_SERVER_ERROR', `Something went wrong on our side. Reference: ${reference}`, { reference });
  };
}

/** What answers a path nothing else answered. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendGraphqlError(res, 404, 'NOT_FOUND', `There is nothing at ${req.method} ${req.path}.`);
};

/** A request that is not answered in `ms` is answered with 503 REQUEST_TIMEOUT (and its work abandoned). */
export function requestDeadline(ms: number): RequestHandler {
  return (_req, res, next) => {
    const timer = setTimeout(() => {
      sendGraphqlError(res, 503, 'REQUEST_TIMEOUT', `The request was not answered within ${ms} ms.`, {}, { 'retry-after': '1' });
    }, ms);
    timer.unref();
    res.once('close', () => clearTimeout(timer));
    res.once('finish', () => clearTimeout(timer));
    next();
  };
}
