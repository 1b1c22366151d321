import { ChildProcess, fork } from 'node:child_process';
import { Server } from 'node:http';
import { join } from 'node:path';
import pino from 'pino';
import { ClaimsInput, Role } from '@civgrid/auth';
import { eventsTopic } from '@civgrid/events';
import {
  createTestDatabase,
  makeKeys,
  serviceEnv,
  TEST_AUDIENCE,
  TEST_DISTRICT_ROOTS,
  TEST_GATEWAY_SECRET,
  TEST_ISSUER,
  TestDatabase,
  TestKeys,
  tokenFor,
  topicPrefix,
} from '@civgrid/testing';
import { Subgraph, SUBGRAPHS } from './compose/subgraphs';
import { gatewayConfigSchema, SUBGRAPH_URL_ENV } from './config';
import { createGateway, RunningGateway } from './gateway';

export interface StackService {
  name: string;
  url: string;
  db: TestDatabase;
  /** The SQL the service sends between record() and stop(). */
  sql: { record(): Promise<void>; stop(): Promise<string[]> };
  /** Sets the service's clock (null lets it run again): deadlines without waiting. */
  setClock(at: Date | null): Promise<void>;
  /** Runs one round of a scheduled job now. */
  runJob(name: string): Promise<{ ran: boolean; count: number }>;
  topic(domain: string): string;
  /** Sends the process a signal (SIGKILL: a crash) and waits until it is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts it again from its build, on the same port and database. */
  restart(): Promise<void>;
  /** The service's log lines (stdout), when the stack was started with `captureLogs`. */
  logs: string[];
  stop(): Promise<void>;
}

export interface Stack {
  url: string;
  keys: TestKeys;
  prefix: string;
  services: Record<string, StackService>;
  gateway: RunningGateway;
  token(claims: Partial<ClaimsInput> & { roles: Role[] }, expiresIn?: string | number): Promise<string>;
  stop(): Promise<void>;
}

interface Launched {
  child: ChildProcess;
  url: string;
  ask<T>(op: string, args?: Record<string, unknown>): Promise<T>;
}

/** Forks a service's build and waits until it listens. */
async function launch(subgraph: Subgraph, env: Record<string, string | undefined>, logs?: string[]): Promise<Launched> {
  const main = join(__dirname, '..', '..', subgraph.dir, 'dist', 'main.js');
  const child: ChildProcess = fork(main, [], { env, stdio: ['ignore', logs ? 'pipe' : 'ignore', 'inherit', 'ipc'] });
  if (logs) {
    let rest = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      logs.push(...lines.filter(Boolean));
    });
  }
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  let next = 0;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${subgraph.name} did not start in 60 s`)), 60_000);
      child.on('message', (message: { ready?: string; id?: number; result?: unknown; error?: string }) => {
        if (message.ready) {
          clearTimeout(timer);
          resolve(message.ready);
        } else if (message.id !== undefined) {
          const waiter = pending.get(message.id);
          pending.delete(message.id);
          if (message.error) waiter?.reject(new Error(message.error));
          else waiter?.resolve(message.result);
        }
      });
      child.once('exit', (code) =>
        reject(new Error(`${subgraph.name} exited (${code}) before it was ready; is it built (pnpm -r build)?`)),
      );
    });
    const ask = <T>(op: string, args: Record<string, unknown> = {}): Promise<T> =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve: (result) => resolve(result as T), reject });
        child.send({ id, op, ...args });
      });
    return { child, url, ask };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

// Each service runs from its build in a process of its own, as in production: @nestjs/graphql keeps
// code-first types in one store per process, so four subgraphs cannot share one.
async function startService(subgraph: Subgraph, keys: TestKeys, prefix: string, options: StackOptions = {}): Promise<StackService> {
  const db = await createTestDatabase(subgraph.name.replace(/-/g, '_'));
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...serviceEnv({ databaseUrl: db.url, topicPrefix: prefix, keys }),
    NODE_ENV: 'test',
    ...options.serviceEnv,
  };
  const logs: string[] = [];
  const captured = options.captureLogs ? logs : undefined;
  let current: Launched;
  try {
    current = await launch(subgraph, env, captured);
  } catch (error) {
    await db.drop();
    throw error;
  }
  const url = current.url;
  const exited = (child: ChildProcess): Promise<unknown> =>
    child.exitCode === null && child.signalCode === null ? new Promise((r) => child.once('exit', r)) : Promise.resolve();
  return {
    name: subgraph.name,
    url,
    db,
    sql: { record: () => current.ask<void>('sql.record'), stop: () => current.ask<string[]>('sql.stop') },
    setClock: (at) => current.ask<void>('clock.set', { at: at?.toISOString() ?? null }),
    runJob: (name) => current.ask<{ ran: boolean; count: number }>('job.run', { name }),
    topic: (domain) => eventsTopic({ prefix }, domain),
    async kill(signal) {
      const done = exited(current.child);
      current.child.kill(signal);
      await done;
    },
    async restart() {
      // Same port, same database: the gateway keeps its URL.
      current = await launch(subgraph, { ...env, PORT: new URL(url).port }, captured);
    },
    logs,
    async stop() {
      const done = exited(current.child);
      current.child.kill('SIGTERM');
      await done;
      await db.drop();
    },
  };
}

/**
 * The whole system for one test file or benchmark: every subgraph on its own database, one topic
 * prefix, one signing key, and the real gateway over the committed supergraph (its environment may
 * depend on the stack's keys, e.g. the web app's development sign-in). `only` starts a
 * subset (queries that need a subgraph left out then fail, as they would in production).
 */
export interface StackOptions {
  /** More environment for every subgraph (e.g. OTEL_* variables). */
  serviceEnv?: Record<string, string>;
  /** Keep every subgraph's log lines in `logs`. */
  captureLogs?: boolean;
  /** The in-process gateway's logger (default: silent). */
  gatewayLogger?: pino.Logger;
}

export async function startStack(
  label: string,
  gatewayEnv: Record<string, string> | ((keys: TestKeys) => Record<string, string>) = {},
  only?: string[],
  options: StackOptions = {},
): Promise<Stack> {
  const keys = await makeKeys();
  const prefix = topicPrefix(label);
  const services: Record<string, StackService> = {};
  try {
    for (const s of SUBGRAPHS.filter((x) => !only || only.includes(x.name)))
      services[s.name] = await startService(s, keys, prefix, options);
  } catch (error) {
    await Promise.all(Object.values(services).map((s) => s.stop()));
    throw error;
  }
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: '0',
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_AUDIENCE: TEST_AUDIENCE,
    AUTH_PUBLIC_KEY: keys.publicKeyPem,
    AUTH_DISTRICT_ROOT: TEST_DISTRICT_ROOTS.join(','),
    GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
    // The suites' own traffic is not what the rate limit is for (its own test turns it on).
    RATE_LIMIT_ENABLED: 'false',
    ...(typeof gatewayEnv === 'function' ? gatewayEnv(keys) : gatewayEnv),
  };
  for (const [name, svc] of Object.entries(services)) env[SUBGRAPH_URL_ENV[name]] = svc.url;
  const gateway = await createGateway(gatewayConfigSchema.parse(env), options.gatewayLogger ?? pino({ level: 'silent' }));
  const server: Server = await new Promise((resolve) => {
    const s = gateway.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    keys,
    prefix,
    services,
    gateway,
    token: (claims, expiresIn) => tokenFor(keys, claims, expiresIn),
    async stop() {
      await new Promise((r) => server.close(r));
      await gateway.stop();
      await Promise.all(Object.values(services).map((s) => s.stop()));
    },
  };
}
