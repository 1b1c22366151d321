import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import pino from 'pino';
import { generateDevKeyPair, Role } from '@civgrid/auth';
import { gatewayConfigSchema } from './config';
import { corsMiddleware, DemoPerson, mountWeb, WebOptions } from './web';

const logger = pino({ level: 'silent' });
const servers: Server[] = [];
afterAll(async () => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

async function serve(options: Partial<WebOptions>): Promise<string> {
  const dist = mkdtempSync(join(tmpdir(), 'civgrid-dist-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>CivGrid</title>');
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'assets', 'app.js'), 'console.log("网格");\n'.repeat(2000));
  const app = express();
  app.use(corsMiddleware(options.corsOrigins ?? []));
  app.post('/graphql', (_req, res) => {
    res.json({ data: {} });
  });
  mountWeb(app, { distDir: dist, corsOrigins: [], production: false, ...options }, logger);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const person: DemoPerson = {
  key: 'analyst',
  role: 'ANALYST',
  name: '分析员',
  description: '岱岳区',
  claims: { sub: 'a', roles: [Role.ANALYST] },
};

describe('the web app on the gateway origin', () => {
  it('serves the app at / and at any screen path, and sends no CORS header unless the origin is listed', async () => {
    const base = await serve({ corsOrigins: ['https://app.example.org'] });
    const page = await fetch(`${base}/some/screen`, { headers: { 'accept-encoding': 'gzip' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>CivGrid</title>');
    const script = await fetch(`${base}/assets/app.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(script.headers.get('content-encoding')).toBe('gzip');
    expect(script.headers.get('cache-control')).toContain('immutable');
    expect(await script.text()).toContain('网格');
    const stranger = await fetch(`${base}/graphql`, { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    const listed = await fetch(`${base}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://app.example.org' } });
    expect(listed.status).toBe(204);
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://app.example.org');
  });

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After for /photos and /open311 while incident reporting is away, never the app page', async () => {
    const base = await serve({ incidentsUrl: 'http://127.0.0.1:9/graphql' }); // nothing listens on port 9
    for (const path of ['/photos/x.jpg', '/open311/v2/services.json', '/open311/discovery.json']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    }
  });

  it('offers the development sign-in in development only', async () => {
    const { privateKeyPem } = await generateDevKeyPair();
    const peoplePath = join(mkdtempSync(join(tmpdir(), 'civgrid-people-')), 'people.json');
    writeFileSync(peoplePath, JSON.stringify([person]));
    const devSignIn = { privateKeyPem, issuer: 'civgrid-dev', audience: 'civgrid', peoplePath };
    const dev = await serve({ devSignIn });
    expect(await (await fetch(`${dev}/dev/people`)).json()).toEqual([
      { key: 'analyst', role: 'ANALYST', name: '分析员', description: '岱岳区' },
    ]);
    const signed = await fetch(`${dev}/dev/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"key":"analyst"}',
    });
    expect(signed.status).toBe(200);
    expect(((await signed.json()) as { token: string }).token).toMatch(/^ey/);
    const unknown = await fetch(`${dev}/dev/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"key":"nobody"}',
    });
    expect(unknown.status).toBe(404);

    const prod = await serve({ devSignIn, production: true });
    // In production the path is just a screen of the app: no people, no tokens.
    expect(await (await fetch(`${prod}/dev/people`)).text()).not.toContain('analyst');
    expect((await fetch(`${prod}/dev/sign-in`, { method: 'POST', body: '{"key":"analyst"}' })).status).toBe(404);
  });

  it('refuses to start in production with the development sign-in configured, and refuses a CORS entry that is not an origin', () => {
    const base = {
      AUTH_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----',
      GATEWAY_SHARED_SECRET: 'a-shared-secret-of-32-characters',
    };
    const prod = gatewayConfigSchema.safeParse({
      ...base,
      NODE_ENV: 'production',
      DEV_SIGNIN_PRIVATE_KEY: 'k',
      DEV_SIGNIN_PEOPLE_PATH: '/p',
    });
    expect(prod.success).toBe(false);
    expect(JSON.stringify(prod.error?.issues)).toContain('does not exist in production');
    expect(gatewayConfigSchema.safeParse({ ...base, CORS_ORIGINS: 'https://a.example/path' }).success).toBe(false);
    expect(gatewayConfigSchema.parse({ ...base, CORS_ORIGINS: 'https://a.example, http://b.example:8080' }).CORS_ORIGINS).toEqual([
      'https://a.example',
      'http://b.example:8080',
    ]);
    expect(gatewayConfigSchema.parse(base).CORS_ORIGINS).toEqual([]);
  });
});
