import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { TEST_AUDIENCE, TEST_DISTRICT_ROOTS, TEST_GATEWAY_SECRET, TEST_ISSUER } from '@civgrid/testing';
import { SUBGRAPH_URL_ENV } from './config';
import type { Stack } from './stack';

export interface GatewayProcess {
  url: string;
  stop(): Promise<void>;
}

/**
 * The gateway from its build in a process of its own over a stack's subgraphs, as in production:
 * its main.js loads the tracing instrumentations first, which an in-process gateway cannot do.
 */
export async function startGatewayProcess(stack: Stack, extraEnv: Record<string, string> = {}): Promise<GatewayProcess> {
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_AUDIENCE: TEST_AUDIENCE,
    AUTH_PUBLIC_KEY: stack.keys.publicKeyPem,
    AUTH_DISTRICT_ROOT: TEST_DISTRICT_ROOTS.join(','),
    GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
    RATE_LIMIT_ENABLED: 'false',
    ...extraEnv,
  };
  for (const [name, svc] of Object.entries(stack.services)) env[SUBGRAPH_URL_ENV[name]] = svc.url;
  const child: ChildProcess = fork(join(__dirname, '..', 'dist', 'main.js'), [], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+\/graphql)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the gateway exited (${code}) before it listened; is it built?`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
