import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The header the gateway signs every subgraph request with. */
export const GATEWAY_CREDENTIAL_HEADER = 'x-civgrid-gateway';

/** How far a credential's time may be from the subgraph's clock. */
export const GATEWAY_CREDENTIAL_WINDOW_MS = 60_000;

const mac = (secret: string, at: number, authorization: string | undefined): string =>
  createHmac('sha256', secret)
    .update(`v1.${at}.`)
    .update(
      createHash('sha256')
        .update(authorization ?? '')
        .digest('hex'),
    )
    .digest('base64url');

/**
 * The gateway's credential for one subgraph request: `v1.<ms>.<HMAC-SHA256>` over the time and the
 * user's Authorization header, so a credential seen on the wire is neither reusable with another
 * user's token nor for long.
 */
export function signGatewayCredential(secret: string, authorization: string | undefined, at: number = Date.now()): string {
  return `v1.${at}.${mac(secret, at, authorization)}`;
}

/** Whether a request carries a fresh credential signed with `secret` for its Authorization header. */
export function verifyGatewayCredential(
  secret: string,
  header: string | string[] | undefined,
  authorization: string | undefined,
  now: number = Date.now(),
): boolean {
  if (typeof header !== 'string') return false;
  const parts = header.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1' || !/^\d{1,15}$/.test(parts[1])) return false;
  const at = Number(parts[1]);
  if (Math.abs(now - at) > GATEWAY_CREDENTIAL_WINDOW_MS) return false;
  const expected = Buffer.from(mac(secret, at, authorization));
  const given = Buffer.from(parts[2]);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
