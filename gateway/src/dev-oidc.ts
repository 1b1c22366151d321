import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import express from 'express';
import type { Logger } from 'pino';
import { issueToken, TOKEN_ALG } from '@civgrid/auth';
import type { DemoPerson } from './web';

/**
 * A minimal OpenID Connect issuer for development only, so the app's production sign-in
 * (authorization code + PKCE) runs for real against the development signer: discovery, an
 * authorize page that lists the demo people, a token endpoint that checks the PKCE verifier, and
 * the signer's JWKS. Never mounted in production (like /dev/sign-in).
 */
export interface DevOidcOptions {
  privateKeyPem: string;
  /** The `iss` the services verify (the development signer's). */
  issuer: string;
  audience: string;
  people: () => DemoPerson[];
  /** How long a token lives (seconds). */
  tokenSeconds?: number;
}

interface Grant {
  key: string;
  clientId: string;
  redirectUri: string;
  challenge: string;
  expires: number;
}

export const DEV_OIDC_PATH = '/dev/oidc';
const CODE_SECONDS = 60;

const base64url = (buf: Buffer): string => buf.toString('base64url');
/** RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))). */
export const s256 = (verifier: string): string => base64url(createHash('sha256').update(verifier, 'ascii').digest());

const originOf = (req: express.Request): string => `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function oauthError(res: express.Response, status: number, error: string, description: string): void {
  res.status(status).setHeader('cache-control', 'no-store').json({ error, error_description: description });
}

/** The authorize request's parameters, checked: a bad one is answered on the page, never redirected. */
function authorizeParams(source: Record<string, unknown>, origin: string): { params: Record<string, string> } | { problem: string } {
  const get = (k: string): string => (typeof source[k] === 'string' ? source[k] : '');
  const params = {
    response_type: get('response_type'),
    client_id: get('client_id'),
    redirect_uri: get('redirect_uri'),
    state: get('state'),
    code_challenge: get('code_challenge'),
    code_challenge_method: get('code_challenge_method'),
    scope: get('scope'),
  };
  if (params.response_type !== 'code') return { problem: 'response_type must be code' };
  if (!params.client_id) return { problem: 'client_id is missing' };
  // Development: the app on this origin is the only client.
  if (!params.redirect_uri.startsWith(`${origin}/`)) return { problem: 'redirect_uri must be on this origin' };
  if (params.code_challenge_method !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(params.code_challenge))
    return { problem: 'a PKCE code_challenge with code_challenge_method S256 is required' };
  if (!params.state) return { problem: 'state is missing' };
  return { params };
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>body{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#111}
button{display:block;width:100%;margin:.5rem 0;padding:.8rem;font-size:1rem;text-align:left;background:#fff;color:#111;border:1px solid #555;border-radius:6px}
small{display:block;color:#333}</style></head><body><main>${body}</main></body></html>`;
}

export function mountDevOidc(app: express.Express, options: DevOidcOptions, logger: Logger): void {
  const grants = new Map<string, Grant>();
  const publicJwk = { ...createPublicKey(options.privateKeyPem).export({ format: 'jwk' }), alg: TOKEN_ALG, use: 'sig', kid: 'dev' };
  const router = express.Router();

  router.get('/.well-known/openid-configuration', (req, res) => {
    const at = `${originOf(req)}${DEV_OIDC_PATH}`;
    res.json({
      issuer: at,
      authorization_endpoint: `${at}/authorize`,
      token_endpoint: `${at}/token`,
      jwks_uri: `${at}/jwks`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      code_challenge_methods_supported: ['S256'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [TOKEN_ALG],
      token_endpoint_auth_methods_supported: ['none'],
      scopes_supported: ['openid'],
    });
  });

  router.get('/jwks', (_req, res) => {
    res.json({ keys: [publicJwk] });
  });

  // The page that lists the demo people: choosing one is "signing in" at this issuer.
  router.get('/authorize', (req, res) => {
    const checked = authorizeParams(req.query, originOf(req));
    if ('problem' in checked) {
      res
        .status(400)
        .type('html')
        .send(page('登录请求无效', `<h1>登录请求无效</h1><p>${escapeHtml(checked.problem)}</p>`));
      return;
    }
    const hidden = Object.entries(checked.params)
      .map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeHtml(v)}">`)
      .join('');
    const people = options
      .people()
      .map(
        (p) =>
          `<button type="submit" name="person" value="${escapeHtml(p.key)}">${escapeHtml(p.name)}<small>${escapeHtml(p.description)}</small></button>`,
      )
      .join('');
    res
      .type('html')
      .setHeader('cache-control', 'no-store')
      .send(page('开发用身份认证', `<h1>开发用身份认证</h1><p>选择登录的演示人员</p><form method="post">${hidden}${people}</form>`));
  });

  router.post('/authorize', express.urlencoded({ extended: false, limit: '8kb' }), (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const checked = authorizeParams(body, originOf(req));
    const person = options.people().find((p) => p.key === body['person']);
    if ('problem' in checked || !person) {
      res
        .status(400)
        .type('html')
        .send(page('登录请求无效', `<h1>登录请求无效</h1><p>${escapeHtml('problem' in checked ? checked.problem : 'no such person')}</p>`));
      return;
    }
    const { params } = checked;
    const code = base64url(randomBytes(32));
    // Codes never exchanged are forgotten once they expire.
    for (const [c, g] of grants) if (g.expires < Date.now()) grants.delete(c);
    grants.set(code, {
      key: person.key,
      clientId: params.client_id,
      redirectUri: params.redirect_uri,
      challenge: params.code_challenge,
      expires: Date.now() + CODE_SECONDS * 1000,
    });
    const back = new URL(params.redirect_uri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', params.state);
    res.redirect(303, back.toString());
  });

  router.post('/token', express.urlencoded({ extended: false, limit: '8kb' }), (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const str = (k: string): string => (typeof body[k] === 'string' ? body[k] : '');
    if (str('grant_type') !== 'authorization_code')
      return oauthError(res, 400, 'unsupported_grant_type', 'Only authorization_code is supported.');
    const code = str('code');
    const grant = grants.get(code);
    // A code works once, whatever the outcome.
    grants.delete(code);
    if (!grant || grant.expires < Date.now()) return oauthError(res, 400, 'invalid_grant', 'The code is unknown, used or expired.');
    if (grant.clientId !== str('client_id') || grant.redirectUri !== str('redirect_uri'))
      return oauthError(res, 400, 'invalid_grant', 'client_id or redirect_uri differ from the authorization request.');
    const verifier = str('code_verifier');
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || s256(verifier) !== grant.challenge)
      return oauthError(res, 400, 'invalid_grant', 'The code_verifier does not match the code_challenge.');
    const person = options.people().find((p) => p.key === grant.key);
    if (!person) return oauthError(res, 400, 'invalid_grant', 'The person is no longer listed.');
    const seconds = options.tokenSeconds ?? 12 * 3600;
    const signer = { privateKeyPem: options.privateKeyPem, issuer: options.issuer };
    Promise.all([
      issueToken({ ...signer, audience: options.audience }, person.claims, `${seconds}s`),
      issueToken(
        { ...signer, audience: grant.clientId },
        { sub: person.claims.sub, name: person.name, roles: person.claims.roles },
        `${seconds}s`,
      ),
    ])
      .then(([accessToken, idToken]) =>
        res
          .setHeader('cache-control', 'no-store')
          .json({ access_token: accessToken, id_token: idToken, token_type: 'Bearer', expires_in: seconds, scope: 'openid' }),
      )
      .catch((error: unknown) => {
        logger.error({ err: error }, 'dev OIDC token failed');
        oauthError(res, 500, 'server_error', 'The development signer could not sign the token.');
      });
  });

  app.use(DEV_OIDC_PATH, router);
}
