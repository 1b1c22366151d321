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
import { Principal, TokenVerifier } from '@civgrid/auth';
import { DomainError } from '@civgrid/errors';
import { GatewayConfig, SUBGRAPH_URL_ENV } from './config';
import { operationLimits } from './limits';
import { persistedQueries, safelistPlugin } from './safelist';
import { graphqlObservationPlugin, observationOf, observeRequests, REQUEST_ID_HEADER, RequestObservation } from '@civgrid/telemetry';
import { disableVendorTelemetry, GatewayMetrics, mountMetrics, observeSubgraph } from './observability';
import { mountGraphiql } from './graphiql';

export interface GatewayContext {
  authorization: string;
  principal: Principal;
  /** The request's id and log line (observeRequests). */
  observation?: RequestObservation;
}

/** Forwards the caller's token: every subgraph verifies it again. */
class AuthenticatedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const authorization = (context as Partial<GatewayContext>).authorization;
    if (typeof authorization === 'string') request.http?.headers.set('authorization', authorization);
    const requestId = (context as Partial<GatewayContext>).observation?.requestId;
    if (requestId) request.http?.headers.set(REQUEST_ID_HEADER, requestId);
  }
}

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
  const metrics = config.METRICS_ENABLED ? new GatewayMetrics() : undefined;
  disableVendorTelemetry();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const key = SUBGRAPH_URL_ENV[name];
      const override = key ? (config[key] as string | undefined) : undefined;
      return observeSubgraph(name, new AuthenticatedDataSource({ url: override ?? url }), metrics);
    },
  });
  const production = config.NODE_ENV === 'production';
  const plugins: ApolloServerPlugin<GatewayContext>[] = [
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
    validationRules: [operationLimits({ maxDepth: config.MAX_DEPTH, maxAliases: config.MAX_ALIASES, maxCost: config.MAX_COST })],
    formatError: formatError(logger),
    plugins,
  });
  await server.start();

  const known = config.PERSISTED_QUERIES_PATH ? persistedQueries(config.PERSISTED_QUERIES_PATH) : undefined;
  const app = express();
  app.disable('x-powered-by');
  // One log line per request; its id goes to every subgraph fetch (x-request-id).
  app.use(observeRequests({ logger: logger.child({ component: 'http' }), metrics: metrics?.core }));
  mountMetrics(app, metrics);
  // The offline IDE, development only (production serves no /graphiql).
  if (!production) mountGraphiql(app, { demoTokensPath: config.GRAPHIQL_DEMO_TOKENS_PATH });
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    '/graphql',
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
    expressMiddleware(server, {
      context: async ({ req }): Promise<GatewayContext> => {
        try {
          const principal = await verifier.verifyHeader(req.headers.authorization);
          return { authorization: req.headers.authorization!, principal, observation: observationOf(req) };
        } catch (error) {
          if (error instanceof DomainError) {
            throw new GraphQLError(error.message, { extensions: { code: error.code, reason: error.reason, http: { status: 401 } } });
          }
          throw error;
        }
      },
    }),
  );
  return {
    app,
    server,
    gateway,
    async stop() {
      await server.stop();
    },
  };
}
