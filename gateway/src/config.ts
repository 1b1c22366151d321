import { z } from 'zod';
import { DEV_DISTRICT_ROOT, districtRootsProblem, parseDistrictRoots } from '@civgrid/auth';
import { gatewaySecretConfig, graphqlLimitsConfig } from '@civgrid/service-kit/edge';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const pem = z
  .string()
  .transform((v) => v.replace(/\\n/g, '\n'))
  .refine((v) => v.includes('-----BEGIN PUBLIC KEY-----'), 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)');
const url = z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL');

export const gatewayConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    // The supergraph served: a published folder (manifest.json + supergraph.graphql; in Kubernetes a
    // mounted ConfigMap) or a supergraph file; or the URL of either. Polled, switched without a restart.
    SUPERGRAPH_PATH: z.string().min(1).optional(),
    SUPERGRAPH_URL: url.optional(),
    SUPERGRAPH_POLL_INTERVAL_MS: z.coerce.number().int().min(0).default(10_000),
    // Where each subgraph runs, when not where the committed supergraph says (docker, tests).
    SUBGRAPH_URL_GRID_ORGANISATION: url.optional(),
    SUBGRAPH_URL_POPULATION_REGISTRY: url.optional(),
    SUBGRAPH_URL_INCIDENT_REPORTING: url.optional(),
    SUBGRAPH_URL_DISPUTE_MEDIATION: url.optional(),
    AUTH_ISSUER: z.string().min(1).default('civgrid-dev'),
    AUTH_AUDIENCE: z.string().min(1).default('civgrid'),
    AUTH_PUBLIC_KEY: pem.optional(),
    AUTH_JWKS_URL: z.string().url().optional(),
    // The districts this deployment serves: a token's areas must lie under one of them.
    AUTH_DISTRICT_ROOT: z
      .string()
      .default(DEV_DISTRICT_ROOT)
      .transform(parseDistrictRoots)
      .superRefine((roots, ctx) => {
        const problem = districtRootsProblem(roots);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    GRAPHQL_INTROSPECTION: bool.optional(),
    ...graphqlLimitsConfig,
    // Signs every subgraph request (x-civgrid-gateway); the subgraphs hold the same secret.
    GATEWAY_SHARED_SECRET: gatewaySecretConfig,
    // Idle keep-alive sockets to subgraphs are closed after this; keep it below the subgraphs'
    // HTTP_KEEP_ALIVE_TIMEOUT_MS (65 s by default) so no request is written to a closed socket.
    SUBGRAPH_IDLE_SOCKET_MS: z.coerce.number().int().min(100).default(30_000),
    SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    // Identical queries of one caller in flight at once reach a subgraph once (mutations never).
    SUBGRAPH_MERGE_IN_FLIGHT: bool.default(true),
    // Token buckets per principal (valid token) and per client address (no or bad token).
    RATE_LIMIT_ENABLED: bool.default(true),
    RATE_LIMIT_PRINCIPAL_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    RATE_LIMIT_PRINCIPAL_BURST: z.coerce.number().int().min(1).default(100),
    RATE_LIMIT_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).default(120),
    RATE_LIMIT_ADDRESS_BURST: z.coerce.number().int().min(1).default(30),
    // Proxies in front of the gateway whose X-Forwarded-For is believed (0: the peer address).
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).default(0),
    // Whole HTTP requests (headers and body) must arrive within this.
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
    PERSISTED_QUERIES_PATH: z.string().optional(),
    SAFELIST_ONLY: bool.default(false),
    // The web app (web/dist by default) and the origins other than the gateway's own that may call it.
    WEB_DIST_DIR: z.string().optional(),
    CORS_ORIGINS: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be an origin such as https://app.example.org (no path)'))),
    // Development sign-in for the demo people (npm start writes the file); refused in production.
    DEV_SIGNIN_PRIVATE_KEY: z
      .string()
      .transform((v) => v.replace(/\\n/g, '\n'))
      .optional(),
    DEV_SIGNIN_PEOPLE_PATH: z.string().optional(),
    // Production sign-in in the web app: OpenID Connect authorization code + PKCE against this issuer
    // (an https URL, or a path on the gateway's origin such as /dev/oidc in development).
    OIDC_ISSUER: z
      .string()
      .regex(/^(https?:\/\/[^\s]+|\/[^\s]*)$/, 'must be the issuer URL (https://id.example.org/realms/civgrid) or a path on this origin')
      .transform((v) => v.replace(/\/$/, ''))
      .optional(),
    OIDC_CLIENT_ID: z.string().min(1).default('civgrid-web'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // Prometheus metrics at /metrics (docs/observability.md).
    METRICS_ENABLED: bool.default(true),
    // Development only: the demo tokens the offline IDE (/graphiql) offers, as { "ROLE": "token" }.
    GRAPHIQL_DEMO_TOKENS_PATH: z.string().optional(),
  })
  .refine((c) => Boolean(c.AUTH_PUBLIC_KEY) !== Boolean(c.AUTH_JWKS_URL), {
    message: 'set exactly one of AUTH_PUBLIC_KEY (development) or AUTH_JWKS_URL (production)',
    path: ['AUTH_PUBLIC_KEY'],
  })
  .refine((c) => c.NODE_ENV !== 'production' || (!c.DEV_SIGNIN_PRIVATE_KEY && !c.DEV_SIGNIN_PEOPLE_PATH), {
    message: 'the development sign-in does not exist in production: unset DEV_SIGNIN_PRIVATE_KEY and DEV_SIGNIN_PEOPLE_PATH',
    path: ['DEV_SIGNIN_PRIVATE_KEY'],
  })
  .refine((c) => !(c.SUPERGRAPH_PATH && c.SUPERGRAPH_URL), {
    message: 'set at most one of SUPERGRAPH_PATH or SUPERGRAPH_URL',
    path: ['SUPERGRAPH_URL'],
  })
  .refine((c) => !c.SAFELIST_ONLY || Boolean(c.PERSISTED_QUERIES_PATH), {
    message: 'SAFELIST_ONLY needs PERSISTED_QUERIES_PATH',
    path: ['SAFELIST_ONLY'],
  });

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export const SUBGRAPH_URL_ENV: Record<string, keyof GatewayConfig> = {
  'grid-organisation': 'SUBGRAPH_URL_GRID_ORGANISATION',
  'population-registry': 'SUBGRAPH_URL_POPULATION_REGISTRY',
  'incident-reporting': 'SUBGRAPH_URL_INCIDENT_REPORTING',
  'dispute-mediation': 'SUBGRAPH_URL_DISPUTE_MEDIATION',
};
