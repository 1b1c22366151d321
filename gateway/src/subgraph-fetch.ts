import { Agent, request as httpRequest, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { GATEWAY_CREDENTIAL_HEADER } from '@civgrid/auth';
import { REQUEST_ID_HEADER } from '@civgrid/telemetry';

export interface SubgraphFetchOptions {
  /**
   * How long an idle keep-alive socket is kept. Shorter than the subgraphs' server keep-alive
   * (HTTP_KEEP_ALIVE_TIMEOUT_MS, 65 s by default), so the gateway never writes to a socket the
   * subgraph has already closed.
   */
  idleSocketMs: number;
  /** A subgraph fetch not answered by then fails (and the gateway reports that field's error). */
  timeoutMs: number;
  /**
   * Identical queries in flight at once (same subgraph, document, variables and caller) are sent
   * once and the answer shared, as Apollo Router and Hive Gateway do. Mutations never.
   */
  mergeInFlight?: boolean;
}

/**
 * Headers that differ between two requests of the same caller for the same thing: a request's
 * own id, its trace context, and the gateway's credential (signed with the time, over the
 * Authorization header, which is itself part of the key).
 */
const PER_REQUEST_HEADERS = new Set([
  REQUEST_ID_HEADER,
  'traceparent',
  'tracestate',
  'baggage',
  GATEWAY_CREDENTIAL_HEADER,
  'content-length',
]);

/** What makes two subgraph requests the same request. */
export function mergeKey(input: string, init: FetchInit): string {
  const headers = headerPairs(init.headers)
    .map(([k, v]) => [k.toLowerCase(), v] as const)
    .filter(([k]) => !PER_REQUEST_HEADERS.has(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([init.method ?? 'GET', input, headers, typeof init.body === 'string' ? init.body : null]);
}

interface Answer {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: Buffer | null;
}

type FetchInit = { method?: string; headers?: unknown; body?: unknown; signal?: AbortSignal | null };

/** Errors of a socket the other side closed while it sat in the pool. */
export function isResetSocket(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return (
    !!e &&
    (e.code === 'ECONNRESET' ||
      e.code === 'EPIPE' ||
      (typeof e.message === 'string' && /socket hang up|other side closed/i.test(e.message)))
  );
}

/** A query may be sent twice; a mutation may not (its first attempt may have been applied). */
export function isQueryBody(body: unknown): boolean {
  if (typeof body !== 'string') return false;
  try {
    const query = (JSON.parse(body) as { query?: unknown }).query;
    return typeof query === 'string' && /^\s*(\{|query\b)/.test(query);
  } catch {
    return false;
  }
}

function headerPairs(headers: unknown): [string, string][] {
  if (!headers) return [];
  if (typeof (headers as { forEach?: unknown }).forEach === 'function' && !Array.isArray(headers)) {
    const out: [string, string][] = [];
    (headers as { forEach(cb: (value: string, key: string) => void): void }).forEach((value, key) => out.push([key, value]));
    return out;
  }
  if (Array.isArray(headers)) return headers as [string, string][];
  return Object.entries(headers as Record<string, string>);
}

/**
 * The gateway's fetcher for subgraphs: one keep-alive agent per gateway with a bounded idle time,
 * a deadline per fetch, a query retried once when its pooled socket turns out to be closed, and
 * identical queries in flight merged into one request.
 */
export function subgraphFetcher(options: SubgraphFetchOptions) {
  const agentOptions = { keepAlive: true, maxSockets: 256, maxFreeSockets: 64, timeout: options.idleSocketMs, scheduling: 'lifo' as const };
  const http = new Agent(agentOptions);
  const https = new HttpsAgent(agentOptions);

  const once = (url: URL, init: FetchInit): Promise<Response> =>
    new Promise((resolve, reject) => {
      const secure = url.protocol === 'https:';
      const req = (secure ? httpsRequest : httpRequest)(url, {
        method: init.method ?? 'GET',
        headers: Object.fromEntries(headerPairs(init.headers)),
        agent: secure ? https : http,
        signal: init.signal ?? undefined,
      });
      const deadline = setTimeout(
        () => req.destroy(Object.assign(new Error(`no answer from ${url.host} in ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' })),
        options.timeoutMs,
      );
      req.once('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('error', (e) => {
          clearTimeout(deadline);
          reject(e);
        });
        res.once('end', () => {
          clearTimeout(deadline);
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (Array.isArray(v)) for (const x of v) headers.append(k, x);
            else if (v !== undefined) headers.set(k, v);
          }
          const status = res.statusCode ?? 502;
          const noBody = status === 204 || status === 304;
          resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage, headers }));
        });
      });
      req.once('error', (e) => {
        clearTimeout(deadline);
        reject(e);
      });
      req.end(typeof init.body === 'string' ? init.body : undefined);
    });

  const send = async (input: string, init: FetchInit): Promise<Response> => {
    const url = new URL(input);
    try {
      return await once(url, init);
    } catch (error) {
      if (!isResetSocket(error) || !isQueryBody(init.body)) throw error;
      return once(url, init);
    }
  };
  const inFlight = new Map<string, Promise<Answer>>();
  const fetcher = async (input: string, init: FetchInit = {}): Promise<Response> => {
    if (!options.mergeInFlight || !isQueryBody(init.body)) return send(input, init);
    const key = mergeKey(input, init);
    let answer = inFlight.get(key);
    if (!answer) {
      answer = send(input, init).then(async (res) => ({
        status: res.status,
        statusText: res.statusText,
        headers: [...res.headers],
        body: res.body ? Buffer.from(await res.arrayBuffer()) : null,
      }));
      inFlight.set(key, answer);
      const done = (): void => void inFlight.delete(key);
      answer.then(done, done);
    }
    // Each caller reads a response of its own.
    const { status, statusText, headers, body } = await answer;
    return new Response(body, { status, statusText, headers });
  };
  return Object.assign(fetcher, {
    close(): void {
      http.destroy();
      https.destroy();
    },
  });
}
