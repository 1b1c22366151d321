import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import pino from 'pino';
import { createHash, randomBytes } from 'node:crypto';
import { generateDevKeyPair, Role, TokenVerifier } from '@civgrid/auth';
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

  it('the development OpenID Connect issuer: discovery, an authorize page of the demo people, a token only for the right PKCE verifier (once), the JWKS that verifies it; absent in production', async () => {
    const { privateKeyPem } = await generateDevKeyPair();
    const peoplePath = join(mkdtempSync(join(tmpdir(), 'civgrid-people-')), 'people.json');
    writeFileSync(peoplePath, JSON.stringify([person]));
    const devSignIn = { privateKeyPem, issuer: 'civgrid-dev', audience: 'civgrid', peoplePath };
    const dev = await serve({ devSignIn, oidc: { issuer: '/dev/oidc', clientId: 'civgrid-web' } });
    expect(await (await fetch(`${dev}/config.json`)).json()).toEqual({ oidc: { issuer: '/dev/oidc', clientId: 'civgrid-web' } });
    const discovery = (await (await fetch(`${dev}/dev/oidc/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(discovery).toMatchObject({
      issuer: `${dev}/dev/oidc`,
      authorization_endpoint: `${dev}/dev/oidc/authorize`,
      token_endpoint: `${dev}/dev/oidc/token`,
      code_challenge_methods_supported: ['S256'],
    });

    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirect = `${dev}/`;
    const params = {
      response_type: 'code',
      client_id: 'civgrid-web',
      redirect_uri: redirect,
      state: 'st-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scope: 'openid',
    };
    const form = await fetch(`${discovery['authorization_endpoint']}?${new URLSearchParams(params).toString()}`);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('分析员');
    // Without PKCE the request is refused on the page.
    const plain = await fetch(
      `${discovery['authorization_endpoint']}?${new URLSearchParams({ ...params, code_challenge_method: 'plain' }).toString()}`,
    );
    expect(plain.status).toBe(400);

    const authorize = async (): Promise<string> => {
      const chosen = await fetch(discovery['authorization_endpoint'], {
        method: 'POST',
        redirect: 'manual',
        body: new URLSearchParams({ ...params, person: 'analyst' }),
      });
      expect(chosen.status).toBe(303);
      const back = new URL(chosen.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).toBe(redirect);
      expect(back.searchParams.get('state')).toBe('st-1');
      return back.searchParams.get('code')!;
    };
    const exchange = (code: string, codeVerifier: string) =>
      fetch(discovery['token_endpoint'], {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirect,
          client_id: 'civgrid-web',
          code_verifier: codeVerifier,
        }),
      });

    // A wrong verifier is refused, and the code is spent.
    const first = await authorize();
    const wrong = await exchange(first, randomBytes(32).toString('base64url'));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await exchange(first, verifier)).status).toBe(400);

    const code = await authorize();
    const granted = await exchange(code, verifier);
    expect(granted.status).toBe(200);
    const body = (await granted.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBeGreaterThan(0);
    const principal = await new TokenVerifier({
      jwksUrl: discovery['jwks_uri'],
      issuer: 'civgrid-dev',
      audience: 'civgrid',
      districtRoots: ['370911000000'],
    }).verify(body.access_token);
    expect(principal).toMatchObject({ userId: 'a', roles: [Role.ANALYST] });
    // Used once only.
    expect((await exchange(code, verifier)).status).toBe(400);

    const prod = await serve({ devSignIn, production: true });
    expect((await fetch(`${prod}/dev/oidc/token`, { method: 'POST', body: new URLSearchParams({ code }) })).status).toBe(404);
    expect(await (await fetch(`${prod}/dev/oidc/.well-known/openid-configuration`)).text()).not.toContain('authorization_endpoint');
    expect(await (await fetch(`${prod}/config.json`)).json()).toEqual({ oidc: null });
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
