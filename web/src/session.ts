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
