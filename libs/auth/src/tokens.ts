import {
  createLocalJWKSet,
  createRemoteJWKSet,
  exportJWK,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  importPKCS8,
  importSPKI,
  JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { unauthenticated } from '@civgrid/errors';
import { ClaimsPolicy, principalFromClaims } from './claims';
import { Principal, Role } from './roles';

export const TOKEN_ALG = 'ES256';

export interface VerifierOptions extends ClaimsPolicy {
  /** PEM (SPKI) public key: development and tests. */
  publicKeyPem?: string;
  /** JWKS URL of the identity provider: production. */
  jwksUrl?: string;
  issuer: string;
  audience: string;
}

export interface ClaimsInput {
  sub: string;
  name?: string;
  roles: Role[];
  areas?: string[];
  grids?: string[];
  dept?: string;
}

type KeyResolver = Parameters<typeof jwtVerify>[1];

export class TokenVerifier {
  private readonly key: Promise<KeyResolver>;

  constructor(private readonly options: VerifierOptions) {
    if (options.jwksUrl) {
      this.key = Promise.resolve(createRemoteJWKSet(new URL(options.jwksUrl)) as KeyResolver);
    } else if (options.publicKeyPem) {
      this.key = importSPKI(options.publicKeyPem, TOKEN_ALG).then(
        async (k) => createLocalJWKSet({ keys: [{ ...(await exportJWK(k)), alg: TOKEN_ALG }] }) as KeyResolver,
      );
    } else {
      throw new Error('TokenVerifier needs a JWKS URL or a public key');
    }
    this.key.catch(() => undefined);
  }

  /** Reads `Authorization: Bearer …`; every failure is UNAUTHENTICATED with a reason a person can act on. */
  async verifyHeader(header: string | undefined): Promise<Principal> {
    if (!header) throw unauthenticated('TOKEN_MISSING', 'Sign in first: the request carries no bearer token.');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthenticated('TOKEN_MALFORMED', 'The Authorization header must be "Bearer <token>".');
    return this.verify(match[1]);
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.key, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: [TOKEN_ALG],
      }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_JWT_EXPIRED') throw unauthenticated('TOKEN_EXPIRED', 'Your session has expired: sign in again.');
      throw unauthenticated('TOKEN_INVALID', 'The token is not valid for CivGrid: sign in again.');
    }
    return principalFromClaims(payload, this.options);
  }
}

export interface SignerOptions {
  privateKeyPem: string;
  issuer: string;
  audience: string;
}

/** Issues tokens with the local development key. Production tokens come from the OIDC provider. */
export async function issueToken(signer: SignerOptions, claims: ClaimsInput, expiresIn: string | number = '12h'): Promise<string> {
  const key = await importPKCS8(signer.privateKeyPem, TOKEN_ALG);
  const { sub, ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: TOKEN_ALG })
    .setSubject(sub)
    .setIssuer(signer.issuer)
    .setAudience(signer.audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key);
}

export async function generateDevKeyPair(): Promise<{ publicKeyPem: string; privateKeyPem: string }> {
  const { publicKey, privateKey } = await generateKeyPair(TOKEN_ALG, { extractable: true });
  return { publicKeyPem: await exportSPKI(publicKey), privateKeyPem: await exportPKCS8(privateKey) };
}
