import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import compression from 'compression';
import express from 'express';
import type { Logger } from 'pino';
import { ClaimsInput, issueToken } from '@civgrid/auth';
import { RETRY_AFTER_SECONDS } from '@civgrid/errors';
import { sendGraphqlError } from '@civgrid/service-kit/edge';
import { mountDevOidc } from './dev-oidc';

/**
 * The web app on the gateway's origin: the built app at `/`, `/photos` and `/open311` forwarded to
 * incident reporting (so Photo.url, relative to that service, opens here, and Open311 clients need
 * no second address), CORS only for an explicit allow-list, and in development a sign-in endpoint
 * for the demo people.
 */
export interface WebOptions {
  distDir?: string;
  /** The incident-reporting service's base URL (without /graphql). */
  incidentsUrl?: string;
  corsOrigins: readonly string[];
  production: boolean;
  devSignIn?: { privateKeyPem: string; issuer: string; audience: string; peoplePath: string };
  /** Production sign-in: the OpenID Connect issuer (a URL, or a path on this origin) and the app's client id. */
  oidc?: { issuer: string; clientId: string };
}

/** What the app reads at start (`GET /config.json`): how to sign in. */
export interface WebRuntimeConfig {
  oidc: { issuer: string; clientId: string } | null;
}

/** One demo person the development sign-in lists: bound to real rows by the demo seed. */
export interface DemoPerson {
  key: string;
  role: string;
  name: string;
  /** What the person is bound to, as shown on the sign-in screen. */
  description: string;
  claims: ClaimsInput;
}

export const defaultWebDist = (): string => join(__dirname, '..', '..', 'web', 'dist');

/** CORS for the listed origins only; with none listed (the default) no CORS header is ever sent. */
export function corsMiddleware(origins: readonly string[]): express.RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (!origin || !allowed.has(origin)) return next();
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'origin');
    res.setHeader('access-control-allow-headers', 'authorization, content-type, apollo-require-preflight');
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    res.setHeader('access-control-max-age', '600');
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'content-length']);

/**
 * Forwards a path of incident reporting's own HTTP endpoints as it is, streaming the body: /photos
 * (upload, and the signed links Incident.photos gives) and /open311 (GeoReport v2, api keys and all).
 */
function forwardTo(target: string, what: string, logger: Logger): express.RequestHandler {
  return (req, res) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !HOP_BY_HOP.has(name)) headers.set(name, value);
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers, redirect: 'manual' };
    if (hasBody) {
      init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
      init.duplex = 'half';
    }
    fetch(`${target}${req.originalUrl}`, init)
      .then(async (upstream) => {
        res.status(upstream.status);
        upstream.headers.forEach((value, name) => {
          if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') res.setHeader(name, value);
        });
        res.end(Buffer.from(await upstream.arrayBuffer()));
      })
      .catch((error: unknown) => {
        logger.warn({ err: error, what }, 'incident reporting unreachable');
        sendGraphqlError(
          res,
          503,
          'SERVICE_UNAVAILABLE',
          `${what} cannot be reached just now; retry shortly.`,
          {},
          {
            'retry-after': String(RETRY_AFTER_SECONDS),
          },
        );
      });
  };
}

function readPeople(path: string): DemoPerson[] {
  if (!existsSync(path)) return [];
  return JSON.parse(readFileSync(path, 'utf8')) as DemoPerson[];
}

/** Mounts what the web app needs; call after /graphql so the graph keeps its own handling. */
export function mountWeb(app: express.Express, options: WebOptions, logger: Logger): void {
  if (options.incidentsUrl) {
    const incidents = options.incidentsUrl.replace(/\/graphql$/, '').replace(/\/$/, '');
    app.use('/photos', forwardTo(incidents, 'Photos', logger));
    app.use('/open311', forwardTo(incidents, 'Open311', logger));
  }
  app.get('/config.json', (_req, res) => {
    const config: WebRuntimeConfig = { oidc: options.oidc ?? null };
    res.setHeader('cache-control', 'no-cache');
    res.json(config);
  });
  const dev = options.devSignIn;
  if (dev && !options.production) {
    mountDevOidc(app, { ...dev, people: () => readPeople(dev.peoplePath) }, logger);
    // Development only: never mounted in production, whatever the configuration says.
    app.get('/dev/people', (_req, res) => {
      res.json(readPeople(dev.peoplePath).map(({ key, role, name, description }) => ({ key, role, name, description })));
    });
    app.post('/dev/sign-in', express.json({ limit: '4kb' }), (req, res) => {
      const key = (req.body as { key?: unknown } | undefined)?.key;
      const person = readPeople(dev.peoplePath).find((p) => p.key === key);
      if (!person) {
        res.status(404).json({ code: 'DEMO_PERSON_NOT_FOUND', message: 'No demo person by that key: pick one from /dev/people.' });
        return;
      }
      issueToken({ privateKeyPem: dev.privateKeyPem, issuer: dev.issuer, audience: dev.audience }, person.claims, '12h')
        .then((token) => res.json({ token, person: { key: person.key, role: person.role, name: person.name, claims: person.claims } }))
        .catch((error: unknown) => {
          logger.error({ err: error }, 'dev sign-in failed');
          res.status(500).json({ code: 'SIGN_IN_FAILED', message: 'The development signer could not sign the token.' });
        });
    });
  }
  const dist = options.distDir ?? defaultWebDist();
  if (!existsSync(join(dist, 'index.html'))) return;
  // The app's files compressed (a phone on one bar of signal): 507 KB of script travels as 142 KB.
  const compressed = compression();
  const OWN = /^\/(graphql|photos|open311|health|dev\/|config\.json)/;
  app.use((req, res, next) => (OWN.test(req.path) ? next() : compressed(req, res, next)));
  app.use(
    express.static(dist, {
      index: false,
      setHeaders: (res, file) => {
        // Hashed assets are immutable; the page and the service worker must be checked every time.
        if (/[\\/]assets[\\/]/.test(file)) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
        else res.setHeader('cache-control', 'no-cache');
      },
    }),
  );
  const page = join(dist, 'index.html');
  app.get(/^\/(?!graphql|photos|open311|health|dev\/|config\.json).*/, (_req, res) => {
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(page);
  });
}
