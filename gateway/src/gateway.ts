import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloGateway, GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { GATEWAY_CREDENTIAL_HEADER, Principal, signGatewayCredential, TokenVerifier } from '@civgrid/auth';
import { DomainError, GRAPHQL_CODES, REQUEST_CODES, RETRY_AFTER_SECONDS } from '@civgrid/errors';
import {
  graphqlEdge,
  jsonErrorHandler,
  notFoundHandler,
  queryLimitsOf,
  requestDeadline,
  validationBudget,
} from '@civgrid/service-kit/edge';
import { GraphQLSchema } from 'graphql';
import { GatewayConfig, SUBGRAPH_URL_ENV } from './config';
import { rateLimit } from './rate-limit';
import { persistedQueries, safelistPlugin } from './safelist';
import { corsMiddleware, mountWeb } from './web';
import { SupergraphSource } from './supergraph-source';
import { subgraphFetcher } from './subgraph-fetch';
import { graphqlObservationPlugin, observationOf, observeRequests, REQUEST_ID_HEADER, RequestObservation } from '@civgrid/telemetry';
import { disableVendorTelemetry, GatewayMetrics, mountMetrics, observeSubgraph } from './observability';
import { mountGraphiql } from './graphiql';

export interface GatewayContext {
  authorization: string;
  principal: Principal;
  /** The request's id and log line (observeRequests). */
  observation?: RequestObservation;
}

/**
 * Forwards the caller's token (every subgraph verifies it again) and signs the request with the
 * gateway's own credential, which `_entities` and `_service` require.
 */
class AuthenticatedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
    private readonly secret: string,
  ) {
    super(config);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const authorization = (context as Partial<GatewayContext>).authorization;
    if (typeof authorization === 'string') request.http?.headers.set('authorization', authorization);
    request.http?.headers.set(GATEWAY_CREDENTIAL_HEADER, signGatewayCredential(this.secret, authorization));
    const requestId = (context as Partial<GatewayContext>).observation?.requestId;
    if (requestId) request.http?.headers.set(REQUEST_ID_HEADER, requestId);
  }
}

/** The verified principal of a request (or the refusal), computed once for the rate limit and the context. */
type Verified = { principal: Principal } | { error: unknown };
const VERIFIED = Symbol('verified');
type WithVerified = express.Request & { [VERIFIED]?: Promise<Verified> };

export const defaultSupergraphPath = (): string => join(__dirname, '..', 'supergraph.graphql');

// Codes a subgraph or the gateway itself may show as they are; anything else is masked: the
// domain's codes (libs/errors) but the masked one, and what Apollo and the edge answer themselves.
const SAFE_CODES = new Set<string>([
  ...GRAPHQL_CODES.filter((code) => code !== 'INTERNAL_SERVER_ERROR'),
  ...REQUEST_CODES,
  'QUERY_TOO_COMPLEX',
  'PERSISTED_QUERY_HASH_MISMATCH',
  'SUBSCRIPTIONS_NOT_SUPPORTED',
  'RATE_LIMITED',
]);

const UNREACHABLE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|socket hang up|fetch failed|network timeout/i;

/** A subgraph that could not be reached, or answered 502/503/504: a transient fault, not a bug. */
function subgraphUnavailable(formatted: GraphQLFormattedError, error: unknown): boolean {
  const status = (formatted.extensions?.['response'] as { status?: unknown } | undefined)?.status;
  if (typeof status === 'number' && status >= 502 && status <= 504) return true;
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    const { code, message, errno } = e as { code?: unknown; message?: unknown; errno?: unknown };
    if ([code, errno, message].some((x) => typeof x === 'string' && UNREACHABLE.test(x))) return true;
    e = (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

/** A response carrying SERVICE_UNAVAILABLE is answered 503 with Retry-After. */
const serviceUnavailablePlugin: ApolloServerPlugin<GatewayContext> = {
  requestDidStart() {
    return Promise.resolve({
      willSendResponse({ response }) {
        const body = response.body;
        const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
        if (errors?.some((e) => e.extensions?.['code'] === 'SERVICE_UNAVAILABLE')) {
          response.http.status = 503;
          response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
        }
        return Promise.resolve();
      },
    });
  },
};

function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (formatted.extensions?.['code'] !== 'SERVICE_UNAVAILABLE' && subgraphUnavailable(formatted, error)) {
      const serviceName = formatted.extensions?.['serviceName'];
      logger.warn({ err: error, path: formatted.path, serviceName }, 'a subgraph is unavailable');
      return {
        message: 'A part of the system is unavailable just now; retry shortly.',
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'SUBGRAPH_UNAVAILABLE', retryable: true },
      };
    }
    const code = formatted.extensions?.['code'];
    if (typeof code === 'string' && SAFE_CODES.has(code)) {
      const { stacktrace: _s, exception: _e, ...extensions } = formatted.extensions ?? {};
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
    }
    const ref = formatted.extensions?.['reference'];
    const reference = typeof ref === 'string' ? ref : randomUUID();
    logger.error({ err: error, reference, path: formatted.path }, 'masked error');
    return {
      message: `Something went wrong on our side. Reference: ${reference}`,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', reference },
    };
  };
}

/** A subgraph's URL as the committed supergraph names it (join__Graph), where no override is set. */
function committedSubgraphUrl(name: string): string | undefined {
  const file = defaultSupergraphPath();
  if (!existsSync(file)) return undefined;
  const match = new RegExp(`@join__graph\\(name: "${name}", url: "([^"]+)"\\)`).exec(readFileSync(file, 'utf8'));
  return match?.[1];
}

export interface RunningGateway {
  app: express.Express;
  server: ApolloServer<GatewayContext>;
  gateway: ApolloGateway;
  supergraph: SupergraphSource;
  stop(): Promise<void>;
}

/** The gateway over the published (or committed) supergraph, with the subgraph URLs the config overrides. */
export async function createGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const supergraph = new SupergraphSource({
    ...(config.SUPERGRAPH_URL ? { url: config.SUPERGRAPH_URL } : { path: config.SUPERGRAPH_PATH ?? defaultSupergraphPath() }),
    pollIntervalMs: config.SUPERGRAPH_POLL_INTERVAL_MS,
    logger,
  });
  const verifier = new TokenVerifier({
    publicKeyPem: config.AUTH_PUBLIC_KEY,
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    districtRoots: config.AUTH_DISTRICT_ROOT,
  });
  const fetcher = subgraphFetcher({
    idleSocketMs: config.SUBGRAPH_IDLE_SOCKET_MS,
    timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
    mergeInFlight: config.SUBGRAPH_MERGE_IN_FLIGHT,
  });
  // Where each subgraph is reached (the supergraph's URL or the config's override), for /health/status.
  const subgraphUrls = new Map<string, string>();
  const metrics = config.METRICS_ENABLED ? new GatewayMetrics() : undefined;
  disableVendorTelemetry();
  const gateway = new ApolloGateway({
    supergraphSdl: supergraph,
    buildService: ({ name, url }) => {
      const key = SUBGRAPH_URL_ENV[name];
      const override = key ? (config[key] as string | undefined) : undefined;
      if (override ?? url) subgraphUrls.set(name, (override ?? url)!);
      return observeSubgraph(
        name,
        new AuthenticatedDataSource(
          { url: override ?? url, fetcher: fetcher as unknown as RemoteGraphQLDataSource['fetcher'] },
          config.GATEWAY_SHARED_SECRET,
        ),
        metrics,
      );
    },
  });
  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: s }) => {
    apiSchema = s;
  });
  const production = config.NODE_ENV === 'production';
  const plugins: ApolloServerPlugin<GatewayContext>[] = [
    serviceUnavailablePlugin,
    graphqlObservationPlugin<GatewayContext>({
      metrics: metrics?.core,
      observation: (ctx) => ctx.observation,
      principalId: (ctx) => ctx.principal?.userId,
    }),
  ];
  if (production) plugins.push(ApolloServerPluginLandingPageDisabled());
  if (config.PERSISTED_QUERIES_PATH) plugins.push(safelistPlugin(config.PERSISTED_QUERIES_PATH, config.SAFELIST_ONLY));
  const server = new ApolloServer<GatewayContext>({
    gateway,
    introspection: config.GRAPHQL_INTROSPECTION ?? !production,
    // With introspection off, "did you mean …?" hints would spell the schema out field by field.
    hideSchemaDetailsFromClientErrors: !(config.GRAPHQL_INTROSPECTION ?? !production),
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    // Depth, cost and the other limits are checked before Apollo parses (graphqlEdge below).
    validationRules: [validationBudget(config.GRAPHQL_VALIDATION_BUDGET_MS)],
    formatError: formatError(logger),
    plugins,
  });
  await server.start();

  const known = config.PERSISTED_QUERIES_PATH ? persistedQueries(config.PERSISTED_QUERIES_PATH) : undefined;
  const verify = (req: WithVerified): Promise<Verified> =>
    (req[VERIFIED] ??= verifier.verifyHeader(req.headers.authorization).then(
      (principal) => ({ principal }),
      (error: unknown) => ({ error }),
    ));
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY_HOPS);
  // One log line per request; its id goes to every subgraph fetch (x-request-id).
  app.use(observeRequests({ logger: logger.child({ component: 'http' }), metrics: metrics?.core }));
  mountMetrics(app, metrics);
  // The offline IDE, development only (production serves no /graphiql).
  if (!production) mountGraphiql(app, { demoTokensPath: config.GRAPHIQL_DEMO_TOKENS_PATH });
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Ready = it can serve: the supergraph is loaded and the server is not stopping. A subgraph that is
  // away does not make the gateway unready (the rest of the graph still answers); /health/status says which.
  let stopping = false;
  app.get('/health/ready', (_req, res) => {
    if (stopping) res.status(503).json({ status: 'unavailable', problems: ['stopping'] });
    else res.json({ status: 'ok' });
  });
  app.get('/health/status', async (_req, res) => {
    const entries = await Promise.all(
      Object.entries(SUBGRAPH_URL_ENV).map(async ([name, key]) => {
        const url = (config[key] as string | undefined) ?? subgraphUrls.get(name);
        if (!url) return [name, 'unknown'] as const;
        try {
          const r = await fetch(new URL('/health/ready', url), { signal: AbortSignal.timeout(2000) });
          return [name, r.ok ? 'ready' : `unready (${r.status})`] as const;
        } catch (error) {
          return [name, `unreachable (${(error as Error).message})`] as const;
        }
      }),
    );
    const subgraphs = Object.fromEntries(entries);
    const degraded = entries.filter(([, state]) => state !== 'ready').map(([name, state]) => `${name}: ${state}`);
    res.json({ status: degraded.length > 0 ? 'degraded' : 'ok', degraded, subgraphs });
  });
  app.use(corsMiddleware(config.CORS_ORIGINS));
  // Which supergraph this instance serves (hash and published version), and why a newer one was refused.
  app.get('/status/supergraph', (_req, res) => {
    res.json(supergraph.status());
  });
  app.use(
    '/graphql',
    requestDeadline(config.GRAPHQL_REQUEST_TIMEOUT_MS),
    ...(config.RATE_LIMIT_ENABLED
      ? [
          rateLimit({
            principal: { perMinute: config.RATE_LIMIT_PRINCIPAL_PER_MINUTE, burst: config.RATE_LIMIT_PRINCIPAL_BURST },
            address: { perMinute: config.RATE_LIMIT_ADDRESS_PER_MINUTE, burst: config.RATE_LIMIT_ADDRESS_BURST },
            subjectOf: async (req) => {
              if (!req.headers.authorization) return undefined;
              const v = await verify(req);
              return 'principal' in v ? v.principal.userId : undefined;
            },
          }),
        ]
      : []),
    express.json({ limit: '1mb' }),
    (req, _res, next) => {
      // A safelisted operation may be sent by hash alone.
      const hash = (req.body as { extensions?: { persistedQuery?: { sha256Hash?: string } }; query?: string } | undefined)?.extensions
        ?.persistedQuery?.sha256Hash;
      if (known && hash && !(req.body as { query?: string }).query) {
        const query = known.get(hash);
        if (query) (req.body as { query?: string }).query = query;
      }
      next();
    },
    graphqlEdge({ limits: queryLimitsOf(config), schema: () => apiSchema }),
    expressMiddleware(server, {
      context: async ({ req }): Promise<GatewayContext> => {
        const verified = await verify(req as WithVerified);
        if ('principal' in verified) {
          return { authorization: req.headers.authorization!, principal: verified.principal, observation: observationOf(req) };
        }
        const error = verified.error;
        if (error instanceof DomainError) {
          throw new GraphQLError(error.message, { extensions: { code: error.code, reason: error.reason, http: { status: 401 } } });
        }
        throw error;
      },
    }),
  );
  mountWeb(
    app,
    {
      distDir: config.WEB_DIST_DIR,
      incidentsUrl: config.SUBGRAPH_URL_INCIDENT_REPORTING ?? committedSubgraphUrl('incident-reporting'),
      corsOrigins: config.CORS_ORIGINS,
      production,
      oidc: config.OIDC_ISSUER ? { issuer: config.OIDC_ISSUER, clientId: config.OIDC_CLIENT_ID } : undefined,
      devSignIn:
        config.DEV_SIGNIN_PRIVATE_KEY && config.DEV_SIGNIN_PEOPLE_PATH
          ? {
              privateKeyPem: config.DEV_SIGNIN_PRIVATE_KEY,
              issuer: config.AUTH_ISSUER,
              audience: config.AUTH_AUDIENCE,
              peoplePath: config.DEV_SIGNIN_PEOPLE_PATH,
            }
          : undefined,
    },
    logger,
  );
  app.use(notFoundHandler);
  app.use(jsonErrorHandler(logger));
  return {
    app,
    server,
    gateway,
    supergraph,
    async stop() {
      stopping = true;
      await server.stop();
      fetcher.close();
    },
  };
}
