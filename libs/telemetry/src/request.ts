import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { CoreMetrics, methodLabel, Outcome, routeLabel } from './metrics';

/** The header that carries one request's id from the gateway to every subgraph call. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** What one HTTP request's log line says; the GraphQL layer fills in what it learns. */
export interface RequestObservation {
  requestId: string;
  traceId?: string;
  operationName?: string;
  operationType?: string;
  outcome?: Outcome;
  errorCodes?: string[];
  principalId?: string;
}

const OBSERVATION = Symbol.for('civgrid.request-observation');

/** The observation of a request (set by `observeRequests`). */
export function observationOf(req: unknown): RequestObservation | undefined {
  return req && typeof req === 'object' ? (req as { [OBSERVATION]?: RequestObservation })[OBSERVATION] : undefined;
}

// A caller's id is taken only when it looks like an id: it ends up in log lines.
const GOOD_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

function traceIdOf(req: IncomingMessage): string | undefined {
  const active = trace.getActiveSpan()?.spanContext();
  if (active && active.traceId !== '00000000000000000000000000000000') return active.traceId;
  // Tracing off here: the caller's trace id still ties this line to its trace.
  const header = req.headers['traceparent'];
  const match = typeof header === 'string' ? TRACEPARENT.exec(header) : null;
  return match?.[1];
}

export interface ObserveOptions {
  logger: Logger;
  /** Absent: no metrics (METRICS_ENABLED=false). */
  metrics?: CoreMetrics;
  /** Take the caller's x-request-id (subgraphs: the gateway's; the gateway: a client's). */
  trustRequestId?: boolean;
}

/**
 * Express middleware: one request id per request (the caller's x-request-id, or a new one),
 * echoed in the response; when the response is finished, the HTTP metrics and one structured
 * log line: id, trace id, method, route, status, operation, outcome, duration, principal id —
 * never the query's variables or anything personal. Health and metrics scrapes log at debug.
 */
export function observeRequests(options: ObserveOptions) {
  const { logger, metrics } = options;
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const started = process.hrtime.bigint();
    const given = req.headers[REQUEST_ID_HEADER];
    const requestId = (options.trustRequestId ?? true) && typeof given === 'string' && GOOD_ID.test(given) ? given : randomUUID();
    const observation: RequestObservation = { requestId, traceId: traceIdOf(req) };
    (req as unknown as { [OBSERVATION]: RequestObservation })[OBSERVATION] = observation;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeLabel(path);
      const method = methodLabel(req.method ?? 'OTHER');
      metrics?.httpResponses.inc({ method, route, status: String(res.statusCode) });
      metrics?.httpDuration.observe({ method, route }, seconds);
      const line = {
        requestId,
        traceId: observation.traceId,
        method,
        route,
        status: res.statusCode,
        operationName: observation.operationName,
        operationType: observation.operationType,
        outcome: observation.outcome ?? (res.statusCode >= 500 ? 'server_error' : res.statusCode >= 400 ? 'client_error' : 'ok'),
        errorCodes: observation.errorCodes,
        principalId: observation.principalId,
        durationMs: Math.round(seconds * 10_000) / 10,
      };
      if (route === '/metrics' || route === '/health') logger.debug(line, 'request');
      else logger.info(line, 'request');
    });
    next();
  };
}
