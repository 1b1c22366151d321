import { randomUUID } from 'node:crypto';
import { HttpException } from '@nestjs/common';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { DomainError, GraphqlCode, REQUEST_CODES, RETRY_AFTER_SECONDS } from '@civgrid/errors';
import { isTransient } from '@civgrid/events';
import type { ApolloServerPlugin } from '@apollo/server';

// GraphQL's own codes for requests that never reached a resolver: safe to show as they are.
const PASS_THROUGH = new Set<string>([...REQUEST_CODES, 'BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'QUERY_TOO_COMPLEX']);

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
  message?: string;
}

/**
 * PostgreSQL's answers to bad input become the user's error, not ours. One mapping for every entry
 * point: GraphQL here, and the plain HTTP endpoints (photos, Open311, ledgers) through it too.
 */
export function fromPostgres(error: PgError): DomainError | undefined {
  switch (error.code) {
    // A label or path that ltree refuses ("ltree syntax error", a label over 1,000 characters):
    // only ltree's own refusals, so a syntax error in our own SQL still surfaces as ours.
    case '42601':
    case '42622':
      return /ltree|lquery|label/i.test(error.message ?? '')
        ? new DomainError('BAD_USER_INPUT', 'MALFORMED_PATH', 'An area path is not well formed.')
        : undefined;
    case '22003':
      return new DomainError('BAD_USER_INPUT', 'VALUE_OUT_OF_RANGE', 'A number is out of the allowed range.');
    case '23505':
      return new DomainError('CONFLICT', 'ALREADY_EXISTS', 'A record with the same unique value already exists.', {
        constraint: error.constraint,
      });
    case '23P01':
      return new DomainError('CONFLICT', 'OVERLAPS', 'This overlaps with an existing record.', { constraint: error.constraint });
    case '23503':
      return new DomainError('BAD_USER_INPUT', 'REFERENCE_NOT_FOUND', 'A referenced record does not exist.', {
        constraint: error.constraint,
      });
    case '22P02':
    case '22021': // a NUL or an invalid byte sequence in a text value
    case '22007':
    case '22008':
      return new DomainError('BAD_USER_INPUT', 'MALFORMED_VALUE', 'A value has the wrong format.');
    case '22001':
      return new DomainError('BAD_USER_INPUT', 'VALUE_TOO_LONG', 'A value is longer than allowed.');
    case '23514':
      return new DomainError('BAD_USER_INPUT', 'CHECK_FAILED', 'A value breaks a rule of the data.', { constraint: error.constraint });
    default:
      return undefined;
  }
}

/** The GraphQL code an HTTP status stands for. */
export function codeOfStatus(status: number): GraphqlCode {
  switch (status) {
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 502:
    case 503:
    case 504:
      return 'SERVICE_UNAVAILABLE';
    default:
      return status < 500 ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR';
  }
}

function fromHttp(error: HttpException): DomainError {
  const status = error.getStatus();
  // Nest's HTTP exceptions in a resolver are the client's doing: never an internal error here.
  const code = codeOfStatus(Math.min(status, 499));
  return new DomainError(code, 'HTTP_' + status, error.message);
}

/** The database is away (refused, dropped, shutting down, out of connections): a transient fault. */
export function databaseUnavailable(error: unknown): DomainError | undefined {
  return isTransient(error)
    ? new DomainError('SERVICE_UNAVAILABLE', 'DATABASE_UNAVAILABLE', 'The service cannot reach its database just now; retry shortly.')
    : undefined;
}

function toFormatted(error: DomainError, base: GraphQLFormattedError): GraphQLFormattedError {
  return {
    message: error.message,
    locations: base.locations,
    path: base.path,
    extensions: {
      code: error.code,
      reason: error.reason,
      ...(error.code === 'SERVICE_UNAVAILABLE' ? { retryable: true } : {}),
      ...(error.details ? { details: error.details } : {}),
    },
  };
}

/**
 * A response that carries a SERVICE_UNAVAILABLE error is answered 503 with Retry-After, so that HTTP
 * clients, proxies and the gateway see a transient fault, not a success.
 */
export function serviceUnavailablePlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    requestDidStart() {
      return Promise.resolve({
        // @nestjs/apollo adds a plugin after ours that resets the status of every response with `data`
        // to 200; the hooks run side by side, so this one sets its status a turn later, after it.
        async willSendResponse({ response }) {
          await Promise.resolve();
          const body = response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          if (errors?.some((e) => e.extensions?.['code'] === 'SERVICE_UNAVAILABLE')) {
            response.http.status = 503;
            response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
          }
        },
      });
    },
  };
}

/**
 * One mapping from anything thrown to what a client sees: typed domain errors keep their code,
 * database refusals of bad input become BAD_USER_INPUT or CONFLICT, everything else is masked
 * with a reference id that is logged with the full error.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof DomainError) return toFormatted(original, formatted);
    if (original instanceof HttpException) return toFormatted(fromHttp(original), formatted);
    const pg = original && typeof original === 'object' ? (fromPostgres(original) ?? databaseUnavailable(original)) : undefined;
    if (pg) return toFormatted(pg, formatted);
    const code = formatted.extensions?.['code'];
    if (typeof code === 'string' && PASS_THROUGH.has(code)) {
      const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    if (original instanceof GraphQLError && !original.originalError && code === undefined) {
      return { message: formatted.message, locations: formatted.locations, extensions: { code: 'BAD_USER_INPUT' } };
    }
    const reference = randomUUID();
    logger.error({ err: original, reference, path: formatted.path }, 'unexpected error');
    return {
      message: `Something went wrong on our side. Reference: ${reference}`,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', reference },
    };
  };
}

/** Turns an error thrown while building the request context into a GraphQL error Apollo will not mask. */
export function contextError(error: unknown): GraphQLError {
  if (error instanceof DomainError) {
    const status = error.code === 'UNAUTHENTICATED' ? 401 : error.code === 'FORBIDDEN' ? 403 : 400;
    return new GraphQLError(error.message, { extensions: { code: error.code, reason: error.reason, http: { status } } });
  }
  return new GraphQLError('Something went wrong on our side.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}
