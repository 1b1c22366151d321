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

// Each service runs from its build in a process of its own, as in production: @nestjs/graphql keeps
// code-first types in one store per process, so four subgraphs cannot share one.
async function startService(subgraph: Subgraph, keys: TestKeys, prefix: string, options: StackOptions = {}): Promise<StackService> {
  const db = await createTestDatabase(subgraph.name.replace(/-/g, '_'));
  const env = {
    ...process.env,
    ...serviceEnv({ databaseUrl: db.url, topicPrefix: prefix, keys }),
    NODE_ENV: 'test',
    ...options.serviceEnv,
  };
  const main = join(__dirname, '..', '..', subgraph.dir, 'dist', 'main.js');
  const child: ChildProcess = fork(main, [], { env, stdio: ['ignore', options.captureLogs ? 'pipe' : 'ignore', 'inherit', 'ipc'] });
  const logs: string[] = [];
  if (options.captureLogs) {
    let rest = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      logs.push(...lines.filter(Boolean));
    });
  }
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  let next = 0;
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
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
  } catch (error) {
    child.kill('SIGKILL');
    await db.drop();
    throw error;
  }
  const ask = <T>(op: string, args: Record<string, unknown> = {}): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve: (result) => resolve(result as T), reject });
      child.send({ id, op, ...args });
    });
  return {
    name: subgraph.name,
    url,
    db,
    sql: { record: () => ask<void>('sql.record'), stop: () => ask<string[]>('sql.stop') },
    setClock: (at) => ask<void>('clock.set', { at: at?.toISOString() ?? null }),
    runJob: (name) => ask<{ ran: boolean; count: number }>('job.run', { name }),
    topic: (domain) => eventsTopic({ prefix }, domain),
    logs,
    async stop() {
      const exited = child.exitCode === null ? new Promise((r) => child.once('exit', r)) : Promise.resolve();
      child.kill('SIGTERM');
      await exited;
      await db.drop();
    },
  };
}

/**
 * The whole system for one test file or benchmark: every subgraph on its own database, one topic
 * prefix, one signing key, and the real gateway over the committed supergraph. `only` starts a
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
  gatewayEnv: Record<string, string> = {},
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
    ...gatewayEnv,
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
