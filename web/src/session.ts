// The signed-in person: the token and the claims the sign-in returned, kept across reloads.
export interface Claims {
  sub: string;
  name?: string;
  roles: string[];
  areas?: string[];
  grids?: string[];
  dept?: string;
}

export interface Session {
  token: string;
  role: string;
  name: string;
  claims: Claims;
}

const KEY = 'civgrid.session';

export function loadSession(): Session | null {
  const raw = localStorage.getItem(KEY);
  if (!raw) return null;
  const s = JSON.parse(raw) as Session;
  // An expired session returns to sign-in; the queue of changes is kept (it lives elsewhere).
  const exp = tokenExpiry(s.token);
  if (exp !== null && exp < Date.now()) {
    localStorage.removeItem(KEY);
    return null;
  }
  return s;
}

export function saveSession(s: Session | null): void {
  if (s) localStorage.setItem(KEY, JSON.stringify(s));
  else localStorage.removeItem(KEY);
}

function tokenExpiry(token: string): number | null {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return payload.exp ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

export interface DemoPersonView {
  key: string;
  role: string;
  name: string;
  description: string;
}

export async function demoPeople(): Promise<DemoPersonView[]> {
  const res = await fetch('/dev/people');
  if (!res.ok) return [];
  return (await res.json()) as DemoPersonView[];
}

export async function signInAs(key: string): Promise<Session> {
  const res = await fetch('/dev/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key }),
  });
  if (!res.ok) throw new Error(((await res.json()) as { message?: string }).message ?? res.statusText);
  const body = (await res.json()) as { token: string; person: { role: string; name: string; claims: Claims } };
  return { token: body.token, role: body.person.role, name: body.person.name, claims: body.person.claims };
}

// ---- Production sign-in: OpenID Connect authorization code + PKCE (RFC 7636, S256) ----

/** What the gateway says at `/config.json`: the issuer (a URL, or a path on this origin) and the client id. */
export interface RuntimeConfig {
  oidc: { issuer: string; clientId: string } | null;
}

export async function runtimeConfig(): Promise<RuntimeConfig> {
  try {
    const res = await fetch('/config.json', { cache: 'no-store' });
    return res.ok ? ((await res.json()) as RuntimeConfig) : { oidc: null };
  } catch {
    return { oidc: null };
  }
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

/** What waits in this tab between leaving for the issuer and coming back. */
interface Pending {
  state: string;
  verifier: string;
  tokenEndpoint: string;
  clientId: string;
  redirectUri: string;
}
const PENDING = 'civgrid.oidc';

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const random = (n: number): string => base64url(crypto.getRandomValues(new Uint8Array(n)));

async function discover(issuer: string): Promise<Discovery> {
  const at = new URL(issuer, location.origin).toString().replace(/\/$/, '');
  const res = await fetch(`${at}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`discovery ${res.status}`);
  return (await res.json()) as Discovery;
}

/** Leaves for the issuer's sign-in page with a PKCE challenge and a state; the verifier stays in this tab. */
export async function startOidcSignIn(oidc: NonNullable<RuntimeConfig['oidc']>): Promise<void> {
  const discovery = await discover(oidc.issuer);
  const verifier = random(32);
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const state = random(16);
  const redirectUri = `${location.origin}/`;
  const pending: Pending = { state, verifier, tokenEndpoint: discovery.token_endpoint, clientId: oidc.clientId, redirectUri };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: oidc.clientId,
    redirect_uri: redirectUri,
    scope: 'openid',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/**
 * Back from the issuer (`/?code=…&state=…`): the code is exchanged for a token with the verifier.
 * Null when this page load is not a return from the issuer.
 */
export async function finishOidcSignIn(): Promise<Session | null> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return null;
  const raw = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', '/');
  if (error) throw new Error(params.get('error_description') ?? error);
  const pending = raw ? (JSON.parse(raw) as Pending) : null;
  if (!pending || pending.state !== params.get('state')) throw new Error('state mismatch');
  const res = await fetch(pending.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: pending.redirectUri,
      client_id: pending.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!res.ok || !body.access_token) throw new Error(body.error_description ?? body.error ?? res.statusText);
  const claims = claimsOf(body.access_token);
  return { token: body.access_token, role: claims.roles[0] ?? '', name: claims.name ?? claims.sub, claims };
}

function claimsOf(token: string): Claims {
  const payload = JSON.parse(
    new TextDecoder().decode(Uint8Array.from(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))),
  ) as Partial<Claims>;
  return { ...payload, sub: payload.sub ?? '', roles: payload.roles ?? [] };
}
