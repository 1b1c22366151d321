import { ClaimsInput, generateDevKeyPair, issueToken, Role } from '@civgrid/auth';

export const TEST_ISSUER = 'civgrid-test';
export const TEST_AUDIENCE = 'civgrid';

export interface TestKeys {
  publicKeyPem: string;
  privateKeyPem: string;
}

export const makeKeys = (): Promise<TestKeys> => generateDevKeyPair();

/** A signed token for a test user; `expiresIn` may be negative seconds for an expired one. */
export function tokenFor(
  keys: TestKeys,
  claims: Partial<ClaimsInput> & { roles: Role[] },
  expiresIn: string | number = '1h',
): Promise<string> {
  const exp = typeof expiresIn === 'number' ? Math.floor(Date.now() / 1000) + expiresIn : expiresIn;
  return issueToken(
    { privateKeyPem: keys.privateKeyPem, issuer: TEST_ISSUER, audience: TEST_AUDIENCE },
    { sub: claims.sub ?? `user-${claims.roles.join('-').toLowerCase()}`, ...claims },
    exp,
  );
}
