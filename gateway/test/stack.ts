import { Server } from 'node:http';
import pino from 'pino';
import { ClaimsInput, Role } from '@civgrid/auth';
import { makeKeys, startTestService, TEST_AUDIENCE, TEST_ISSUER, TestKeys, TestService, tokenFor, topicPrefix } from '@civgrid/testing';
import { gatewayConfigSchema, SUBGRAPH_URL_ENV } from '../src/config';
import { createGateway, RunningGateway } from '../src/gateway';
import { SUBGRAPHS } from '../src/compose/subgraphs';

export interface Stack {
  url: string;
  keys: TestKeys;
  prefix: string;
  services: Record<string, TestService>;
  gateway: RunningGateway;
  token(claims: Partial<ClaimsInput> & { roles: Role[] }, expiresIn?: string | number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The whole system for one test file: every subgraph on its own database, one topic prefix,
 * one signing key, and the real gateway over the committed supergraph. `only` starts a subset
 * (queries that need a subgraph left out then fail, as they would in production).
 */
export async function startStack(label: string, gatewayEnv: Record<string, string> = {}, only?: string[]): Promise<Stack> {
  const keys = await makeKeys();
  const prefix = topicPrefix(label);
  const services: Record<string, TestService> = {};
  try {
    for (const s of SUBGRAPHS.filter((x) => !only || only.includes(x.name))) services[s.name] = await startTestService(s.def, { keys, prefix });
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
    ...gatewayEnv,
  };
  for (const [name, svc] of Object.entries(services)) env[SUBGRAPH_URL_ENV[name]!] = svc.url;
  const gateway = await createGateway(gatewayConfigSchema.parse(env), pino({ level: 'silent' }));
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
