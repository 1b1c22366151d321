import { existsSync } from 'node:fs';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSubgraphSchema } from '@apollo/subgraph';
import { BaseConfig, ConfigError, loadConfig } from './config';
import { ServiceDefinition } from './definition';
import { createLogger, PinoNestLogger } from './logger';
import { ServiceRuntime } from './runtime';
import { SqlRecorder } from './sql-recorder';
import { Clock } from './clock';
import { Jobs } from './jobs';
import { ServiceKitModule } from './service-kit.module';
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
  if (!schemaOnly) {
    const metrics = app.get(ServiceMetrics);
    // One log line per request, with the gateway's request id (x-request-id) and the trace id.
    app.use(observeRequests({ logger: logger.child({ component: 'http' }), metrics: metrics.enabled ? metrics.core : undefined }));
  }
  app.enableShutdownHooks();
  return app;
}

/** Starts a subgraph from an environment; a bad environment stops it with the list of problems. */
export async function startService(
  def: ServiceDefinition,
  env: Record<string, string | undefined>,
  options: StartOptions = {},
): Promise<StartedService> {
  const config = loadConfig(def.name, def.configSchema, env);
  const app = await createApp(def, config, false);
  (app.getHttpServer() as import('node:http').Server).requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
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
  try {
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

export { loadConfig };
