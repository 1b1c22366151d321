import { z } from 'zod';
import { DEV_DISTRICT_ROOT, districtRootsProblem, parseDistrictRoots } from '@civgrid/auth';

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
    SUPERGRAPH_PATH: z.string().optional(),
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
    MAX_DEPTH: z.coerce.number().int().min(1).default(10),
    MAX_ALIASES: z.coerce.number().int().min(0).default(30),
    MAX_COST: z.coerce.number().int().min(1).default(50_000),
    PERSISTED_QUERIES_PATH: z.string().optional(),
    SAFELIST_ONLY: bool.default(false),
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
