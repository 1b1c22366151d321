import { readFileSync } from 'node:fs';
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
import { DomainError } from '@civgrid/errors';
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
import { subgraphFetcher } from './subgraph-fetch';

export interface GatewayContext {
  authorization: string;
  principal: Principal;
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
  }
}

/** The verified principal of a request (or the refusal), computed once for the rate limit and the context. */
type Verified = { principal: Principal } | { error: unknown };
const VERIFIED = Symbol('verified');
type WithVerified = express.Request & { [VERIFIED]?: Promise<Verified> };

export const defaultSupergraphPath = (): string => join(__dirname, '..', 'supergraph.graphql');

// Codes a subgraph or the gateway itself may show as they are; anything else is masked.
const SAFE_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'CONFLICT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'QUERY_TOO_COMPLEX',
  'PERSISTED_QUERY_HASH_MISMATCH',
  'SUBSCRIPTIONS_NOT_SUPPORTED',
  'RATE_LIMITED',
]);

function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
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

export interface RunningGateway {
  app: express.Express;
  server: ApolloServer<GatewayContext>;
  gateway: ApolloGateway;
  stop(): Promise<void>;
}

/** The gateway over the committed supergraph, with the subgraph URLs the config overrides. */
export async function createGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const supergraphSdl = readFileSync(config.SUPERGRAPH_PATH ?? defaultSupergraphPath(), 'utf8');
  const verifier = new TokenVerifier({
    publicKeyPem: config.AUTH_PUBLIC_KEY,
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    districtRoots: config.AUTH_DISTRICT_ROOT,
  });
  const fetcher = subgraphFetcher({ idleSocketMs: config.SUBGRAPH_IDLE_SOCKET_MS, timeoutMs: config.SUBGRAPH_TIMEOUT_MS });
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const key = SUBGRAPH_URL_ENV[name];
      const override = key ? (config[key] as string | undefined) : undefined;
      return new AuthenticatedDataSource(
        { url: override ?? url, fetcher: fetcher as unknown as RemoteGraphQLDataSource['fetcher'] },
        config.GATEWAY_SHARED_SECRET,
      );
    },
  });
  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: s }) => {
    apiSchema = s;
  });
  const production = config.NODE_ENV === 'production';
  const plugins: ApolloServerPlugin<GatewayContext>[] = [];
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
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', (_req, res) => {
    res.json({ status: 'ok' });
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
        if ('principal' in verified) return { authorization: req.headers.authorization!, principal: verified.principal };
        const error = verified.error;
        if (error instanceof DomainError) {
          throw new GraphQLError(error.message, { extensions: { code: error.code, reason: error.reason, http: { status: 401 } } });
        }
        throw error;
      },
    }),
  );
  app.use(notFoundHandler);
  app.use(jsonErrorHandler(logger));
  return {
    app,
    server,
    gateway,
    async stop() {
      await server.stop();
      fetcher.close();
    },
  };
}
