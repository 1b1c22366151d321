import { randomBytes, randomInt } from 'node:crypto';
import {
  ClaimsInput,
  DEV_DISTRICT_ROOT,
  GATEWAY_CREDENTIAL_HEADER,
  generateDevKeyPair,
  issueToken,
  Role,
  signGatewayCredential,
} from '@civgrid/auth';

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

// A test file's districts: the demo district and fresh codes, so every test can own a district and
// every token's areas still lie under the roots the services under test are configured with.
const FRESH_DISTRICTS = 400;
function freshDistricts(): string[] {
  const codes = new Set<string>([DEV_DISTRICT_ROOT]);
  while (codes.size < FRESH_DISTRICTS + 1) codes.add(`${randomInt(110000, 659999)}000000`);
  return [...codes];
}

/** Every district root the services of this test process accept (`AUTH_DISTRICT_ROOT`). */
export const TEST_DISTRICT_ROOTS: readonly string[] = freshDistricts();
let nextDistrict = 1;

/** A 12-digit district code nobody else in this test process uses, accepted in tokens. */
export function testDistrictCode(): string {
  if (nextDistrict >= TEST_DISTRICT_ROOTS.length) throw new Error(`a test file may use at most ${FRESH_DISTRICTS} fresh districts`);
  return TEST_DISTRICT_ROOTS[nextDistrict++];
}

/** A district code the services are not configured with: a token naming it is refused. */
export function foreignDistrictCode(): string {
  for (;;) {
    const code = `${randomInt(660000, 999999)}000000`;
    if (!TEST_DISTRICT_ROOTS.includes(code)) return code;
  }
}

/** The secret the services and the gateway of this test process share (GATEWAY_SHARED_SECRET). */
export const TEST_GATEWAY_SECRET = randomBytes(24).toString('hex');

/** The header a test adds to call a subgraph's `_entities` or `_service` as the gateway would. */
export const asGateway = (token?: string): Record<string, string> => ({
  [GATEWAY_CREDENTIAL_HEADER]: signGatewayCredential(TEST_GATEWAY_SECRET, token ? `Bearer ${token}` : undefined),
});
