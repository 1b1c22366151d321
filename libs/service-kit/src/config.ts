import { z } from 'zod';
import { DEV_DISTRICT_ROOT, districtRootsProblem, parseDistrictRoots } from '@civgrid/auth';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const pem = z
  .string()
  .transform((v) => v.replace(/\\n/g, '\n'))
  .refine((v) => v.includes('-----BEGIN PUBLIC KEY-----'), 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)');

/** What every subgraph needs. A service adds its own keys with `.extend`. */
export const baseConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// connection URL'),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    DATABASE_MIGRATE_ON_START: bool.default(false),
    KAFKA_BROKERS: z
      .string()
      .min(1)
      .transform((v) => v.split(',').map((b) => b.trim()))
      .refine((list) => list.every((b) => /^[\w.-]+:\d+$/.test(b)), 'must be host:port[,host:port…]'),
    KAFKA_CLIENT_ID: z.string().optional(),
    KAFKA_TOPIC_PREFIX: z
      .string()
      .regex(/^[\w.-]*$/, 'letters, digits, dot, dash, underscore only')
      .default(''),
    KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(100).default(3),
    KAFKA_TOPIC_RETENTION_MS: z.coerce
      .number()
      .int()
      .min(-1)
      .default(7 * 24 * 3600 * 1000),
    OUTBOX_POLL_MS: z.coerce.number().int().min(50).default(2000),
    // A whole request, body included: a district's ledger over a village's network takes a while.
    HTTP_REQUEST_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(1000)
      .default(30 * 60_000),
    // Scheduled jobs (deadlines, overdue checks); off for a read-only replica of a service.
    JOBS_ENABLED: bool.default(true),
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
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // Prometheus metrics at /metrics (docs/observability.md).
    METRICS_ENABLED: bool.default(true),
  })
  .refine((c) => Boolean(c.AUTH_PUBLIC_KEY) !== Boolean(c.AUTH_JWKS_URL), {
    message: 'set exactly one of AUTH_PUBLIC_KEY (development) or AUTH_JWKS_URL (production)',
    path: ['AUTH_PUBLIC_KEY'],
  });

export type BaseConfig = z.infer<typeof baseConfigSchema>;

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`${service}: the configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment against a schema and lists every problem at once. */
export function loadConfig<S extends z.ZodType>(service: string, schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const missing = issue.code === 'invalid_type' && env[name] === undefined;
    return missing ? `${name} is required but not set` : `${name} ${issue.message}`;
  });
  throw new ConfigError(service, problems);
}
