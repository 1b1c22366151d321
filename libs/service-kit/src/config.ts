import { z } from 'zod';
import { DEV_DISTRICT_ROOT, districtRootsProblem, parseDistrictRoots } from '@civgrid/auth';
import { gatewaySecretConfig, graphqlLimitsConfig } from './edge/config';

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
    // Consumers: how soon a member that vanished loses its partitions, how often members heartbeat,
    // how long a rebalance waits for members to rejoin, and the longest wait between reconnects to
    // a broker that is away (so a consumer is back within seconds of the broker, not half a minute).
    KAFKA_CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(1000).default(10_000),
    KAFKA_CONSUMER_HEARTBEAT_MS: z.coerce.number().int().min(100).default(1000),
    KAFKA_CONSUMER_REBALANCE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(10_000),
    KAFKA_CONSUMER_MAX_RETRY_MS: z.coerce.number().int().min(100).default(1000),
    OUTBOX_POLL_MS: z.coerce.number().int().min(50).default(2000),
    OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
    // The longest wait of the relay after a failed send (exponential from 250 ms up to this).
    OUTBOX_MAX_BACKOFF_MS: z.coerce.number().int().min(100).default(5000),
    // Retention: published outbox rows and consumed event ids older than this are pruned by a job
    // that runs on one instance at a time. An inbox id must outlive the topics' retention, or a
    // replay from the start of a topic would apply an event twice.
    OUTBOX_RETENTION_HOURS: z.coerce.number().min(0).default(168),
    INBOX_RETENTION_HOURS: z.coerce.number().min(0).default(336),
    EVENTS_PRUNE_EVERY_MS: z.coerce
      .number()
      .int()
      .min(1000)
      .default(15 * 60_000),
    // A whole request, body included: a district's ledger over a village's network takes a while.
    HTTP_REQUEST_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(1000)
      .default(30 * 60_000),
    // Idle keep-alive connections are kept this long: longer than the gateway's idle socket time
    // (SUBGRAPH_IDLE_SOCKET_MS, 30 s), so the gateway always closes first.
    HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(65_000),
    ...graphqlLimitsConfig,
    // The gateway signs its requests with this secret; `_entities` and `_service` (with
    // GATEWAY_CREDENTIAL_SCOPE=all: every operation) answer only requests it signed.
    GATEWAY_SHARED_SECRET: gatewaySecretConfig,
    GATEWAY_CREDENTIAL_SCOPE: z.enum(['federation', 'all']).default('federation'),
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
  })
  .refine((c) => c.KAFKA_TOPIC_RETENTION_MS === -1 || c.INBOX_RETENTION_HOURS * 3_600_000 >= c.KAFKA_TOPIC_RETENTION_MS, {
    message: 'must be at least the topics retention (KAFKA_TOPIC_RETENTION_MS): an event still on a topic must still be known',
    path: ['INBOX_RETENTION_HOURS'],
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
