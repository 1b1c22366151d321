import { existsSync } from 'node:fs';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { printSubgraphSchema } from '@apollo/subgraph';
import { BaseConfig, ConfigError, loadConfig } from './config';
import { ServiceDefinition } from './definition';
import { createLogger, PinoNestLogger } from './logger';
import { ServiceRuntime } from './runtime';
import { SqlRecorder } from './sql-recorder';
import { Clock } from './clock';
import { Jobs } from './jobs';
import { ServiceKitModule } from './service-kit.module';
import { graphqlEdge, jsonErrorHandler, notFoundHandler, queryLimitsOf, requestDeadline } from './edge';
import { observeRequests } from '@civgrid/telemetry';
import { ServiceMetrics } from './metrics';

export interface StartedService {
  app: INestApplication;
  url: string;
  port: number;
  runtime: ServiceRuntime;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Wait until topics exist and the consumer joined (default true). */
  waitForKafka?: boolean;
  /** Listen on this host (default 127.0.0.1; containers set 0.0.0.0). */
  host?: string;
}

async function createApp(def: ServiceDefinition, config: BaseConfig, schemaOnly: boolean): Promise<INestApplication> {
  const logger = createLogger(def.name, schemaOnly ? 'error' : config.LOG_LEVEL);
  @Module({ imports: [ServiceKitModule.forRoot(def, config, logger, { schemaOnly }), ...def.modules] })
  class AppModule {}
  Object.defineProperty(AppModule, 'name', { value: `${def.name}-app` });
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    bodyParser: true,
  });
  app.useBodyParser('json', { limit: '1mb' });
  app.useBodyParser('urlencoded', { extended: true });
  if (!schemaOnly) {
    const metrics = app.get(ServiceMetrics);
    // One log line per request, with the gateway's request id (x-request-id) and the trace id.
    app.use(observeRequests({ logger: logger.child({ component: 'http' }), metrics: metrics.enabled ? metrics.core : undefined }));
  }
  guardEdges(app, config, logger);
  app.enableShutdownHooks();
  return app;
}

/**
 * Before GraphQL: the request deadline and the limits (with the gateway's credential for
 * `_entities` and `_service`). After everything: unknown paths and unreadable bodies answered as
 * GraphQL-shaped JSON errors with a code (Nest's own handlers are replaced; they answered in their
 * own shape).
 */
function guardEdges(app: NestExpressApplication, config: BaseConfig, logger: Logger): void {
  let schema: GraphQLSchema | undefined;
  const schemaOf = (): GraphQLSchema | undefined => {
    if (!schema) {
      try {
        schema = app.get(GraphQLSchemaHost).schema;
      } catch {
        // not built yet
      }
    }
    return schema;
  };
  app.use(
    '/graphql',
    requestDeadline(config.GRAPHQL_REQUEST_TIMEOUT_MS),
    graphqlEdge({
      limits: queryLimitsOf(config),
      schema: schemaOf,
      credential: { secret: config.GATEWAY_SHARED_SECRET, scope: config.GATEWAY_CREDENTIAL_SCOPE },
    }),
  );
  const adapter = app.getHttpAdapter();
  const express: import('express').Express = adapter.getInstance();
  // A service's own HTTP endpoints (photos, Open311, ledgers) keep their error format: under a first
  // path segment one of its controllers serves, Nest's handlers (and the service's filters) answer.
  const owned = (): Set<string> => {
    const router = (express as unknown as { router?: { stack?: { route?: { path?: unknown } }[] } }).router;
    const segments = (router?.stack ?? [])
      .map((layer) => layer.route?.path)
      .filter((path): path is string => typeof path === 'string')
      .map((path) => path.split('/')[1] ?? '')
      .filter((segment) => segment && segment !== 'graphql' && !segment.startsWith(':'));
    return new Set(segments);
  };
  const ownerOf = (segments: Set<string>) => (path: string) => segments.has(path.split('/')[1] ?? '');
  const edgeErrors = jsonErrorHandler(logger);
  type Handler = (...args: unknown[]) => unknown;
  adapter.setNotFoundHandler = (nest: Handler) => {
    const isOwned = ownerOf(owned());
    return express.use((req: import('express').Request, res: import('express').Response, next: import('express').NextFunction) =>
      isOwned(req.path) ? nest(req, res, next) : notFoundHandler(req, res, next),
    );
  };
  adapter.setErrorHandler = (nest: Handler) => {
    const isOwned = ownerOf(owned());
    return express.use(
      (error: unknown, req: import('express').Request, res: import('express').Response, next: import('express').NextFunction) =>
        isOwned(req.path) ? nest(error, req, res, next) : edgeErrors(error, req, res, next),
    );
  };
}

/** Starts a subgraph from an environment; a bad environment stops it with the list of problems. */
export async function startService(
  def: ServiceDefinition,
  env: Record<string, string | undefined>,
  options: StartOptions = {},
): Promise<StartedService> {
  const config = loadConfig(def.name, def.configSchema, env);
  const app = await createApp(def, config, false);
  const http = app.getHttpServer() as import('node:http').Server;
  http.requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  http.keepAliveTimeout = config.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  http.headersTimeout = Math.min(config.HTTP_REQUEST_TIMEOUT_MS, config.HTTP_KEEP_ALIVE_TIMEOUT_MS + 1000);
  await app.listen(config.PORT, options.host ?? '127.0.0.1');
  const runtime = app.get(ServiceRuntime);
  if (options.waitForKafka ?? true) await runtime.whenKafkaReady();
  const address = (app.getHttpServer() as import('node:http').Server).address() as { port: number };
  return {
    app,
    port: address.port,
    url: `http://127.0.0.1:${address.port}/graphql`,
    runtime,
    close: () => app.close(),
  };
}

/**
 * The subgraph SDL printed from the code-first schema, without a database or a broker.
 * @nestjs/graphql keeps code-first types in one process-wide store: print in a process (or Jest
 * module registry) that has loaded this one service only, or other services' types leak in.
 */
export async function printServiceSchema(def: ServiceDefinition): Promise<string> {
  const app = await schemaOnlyApp(def);
  const { schema } = app.get(GraphQLSchemaHost);
  const sdl = printSubgraphSchema(schema);
  await app.close();
  return sdl.endsWith('\n') ? sdl : `${sdl}\n`;
}

/** The service's Nest application with its schema built, without a database or a broker (close it). */
export async function schemaOnlyApp(def: ServiceDefinition): Promise<INestApplication> {
  const app = await createApp(def, def.configSchema.parse({ ...placeholderEnv }), true);
  await app.init();
  return app;
}

const placeholderEnv: Record<string, string> = {
  PORT: '0',
  DATABASE_URL: 'postgres://schema-only@127.0.0.1:1/none',
  KAFKA_BROKERS: '127.0.0.1:1',
  AUTH_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nschema-only\n-----END PUBLIC KEY-----',
  LOG_LEVEL: 'error',
  GATEWAY_SHARED_SECRET: 'schema-only-'.padEnd(32, '-'),
  // Services with personal data want keys even to print a schema; these encrypt nothing.
  PII_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  PII_HASH_KEY: Buffer.alloc(32, 2).toString('base64'),
};

/** A `.env` in the working folder fills in what the environment does not set (never overrides it). */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

/** `main.ts` of every service: start from process.env (and `.env`) or print what is wrong and exit 1. */
export async function runMain(def: ServiceDefinition): Promise<void> {
  loadDotEnv();
  // A promise a library left rejected must not stop the service for everyone: log it, keep serving.
  const crashLog = createLogger(def.name, 'error');
  process.on('unhandledRejection', (reason) => {
    const err = reason instanceof Error ? { name: reason.name, message: reason.message, stack: reason.stack } : { value: String(reason) };
    crashLog.error({ err }, 'unhandled rejection');
  });
  try {
    const started = await startService(def, process.env, { waitForKafka: false, host: process.env['HOST'] ?? '127.0.0.1' });
    process.stdout.write(`${def.name} listening on ${started.url}\n`);
    if (process.send && process.env['NODE_ENV'] === 'test') answerTestHarness(started);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

export type HarnessRequest =
  | { id: number; op: 'sql.record' | 'sql.stop' }
  | { id: number; op: 'clock.set'; at: string | null }
  | { id: number; op: 'job.run'; name: string };

/**
 * A test harness that forked this service (NODE_ENV=test only) may ask over the IPC channel for the
 * SQL it sent, to prove a batch costs one statement. Nothing of this is reachable over the network.
 */
function answerTestHarness(started: StartedService): void {
  const sql = started.app.get(SqlRecorder);
  const clock = started.app.get(Clock);
  const jobs = started.app.get(Jobs);
  const send = process.send!.bind(process);
  process.on('message', (message: HarnessRequest) => {
    switch (message.op) {
      case 'sql.record':
        sql.record();
        send({ id: message.id, result: null });
        break;
      case 'sql.stop':
        send({ id: message.id, result: sql.stop() });
        break;
      case 'clock.set':
        clock.set(message.at === null ? null : new Date(message.at));
        send({ id: message.id, result: null });
        break;
      case 'job.run':
        jobs.runNow(message.name).then(
          (result) => send({ id: message.id, result }),
          (error: unknown) => send({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
        );
        break;
    }
  });
  process.on('disconnect', () => void started.close().finally(() => process.exit(0)));
  send({ ready: started.url });
}

/** `migrate` of every service: runs pending migrations and exits. */
export async function runMigrations(def: ServiceDefinition, env: Record<string, string | undefined>): Promise<string[]> {
  if (env === process.env) loadDotEnv();
  const config = loadConfig(def.name, def.configSchema, env);
  const { DataSource } = await import('typeorm');
  const ds = new DataSource({
    type: 'postgres',
    url: config.DATABASE_URL,
    entities: def.entities,
    migrations: def.migrations,
    migrationsTableName: 'migrations',
  });
  await ds.initialize();
  // Pods of a rollout start together and each migrates first (Kubernetes init containers): one at a
  // time, the others then find nothing left to do.
  const lock = ds.createQueryRunner();
  try {
    await lock.connect();
    await lock.query("SELECT pg_advisory_lock(hashtext('civgrid-migrations'))");
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await lock.release();
    await ds.destroy();
  }
}

export { loadConfig };
