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
import { Principal, TokenVerifier } from '@civgrid/auth';
import { DomainError } from '@civgrid/errors';
import { GatewayConfig, SUBGRAPH_URL_ENV } from './config';
import { operationLimits } from './limits';
import { persistedQueries, safelistPlugin } from './safelist';
import { corsMiddleware, mountWeb } from './web';
import { SupergraphSource } from './supergraph-source';

export interface GatewayContext {
  authorization: string;
  principal: Principal;
}

/** Forwards the caller's token: every subgraph verifies it again. */
class AuthenticatedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const authorization = (context as Partial<GatewayContext>).authorization;
    if (typeof authorization === 'string') request.http?.headers.set('authorization', authorization);
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
  const gateway = new ApolloGateway({
    supergraphSdl: supergraph,
    buildService: ({ name, url }) => {
      const key = SUBGRAPH_URL_ENV[name];
      const override = key ? (config[key] as string | undefined) : undefined;
      return new AuthenticatedDataSource({ url: override ?? url });
    },
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
    validationRules: [operationLimits({ maxDepth: config.MAX_DEPTH, maxAliases: config.MAX_ALIASES, maxCost: config.MAX_COST })],
    formatError: formatError(logger),
    plugins,
  });
  await server.start();

  const known = config.PERSISTED_QUERIES_PATH ? persistedQueries(config.PERSISTED_QUERIES_PATH) : undefined;
  const app = express();
  app.disable('x-powered-by');
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(corsMiddleware(config.CORS_ORIGINS));
  // Which supergraph this instance serves (hash and published version), and why a newer one was refused.
  app.get('/status/supergraph', (_req, res) => {
    res.json(supergraph.status());
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
          return { authorization: req.headers.authorization!, principal };
        } catch (error) {
          if (error instanceof DomainError) {
            throw new GraphQLError(error.message, { extensions: { code: error.code, reason: error.reason, http: { status: 401 } } });
          }
          throw error;
        }
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
  return {
    app,
    server,
    gateway,
    supergraph,
    async stop() {
      await server.stop();
    },
  };
}
