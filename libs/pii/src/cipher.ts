import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts personal fields at rest with AES-256-GCM (random IV, authenticated) and makes keyed
 * lookup hashes (HMAC-SHA-256 with a separate key), so an ID number can be found without being
 * stored in a form anyone can read or brute-force from the database alone.
 * Stored layout: version (1 byte) | IV (12) | tag (16) | ciphertext.
 */
export class PiiCipher {
  private readonly encryptionKey: Buffer;
  private readonly hashKey: Buffer;

  constructor(encryptionKeyBase64: string, hashKeyBase64: string) {
    this.encryptionKey = Buffer.from(encryptionKeyBase64, 'base64');
    this.hashKey = Buffer.from(hashKeyBase64, 'base64');
    if (this.encryptionKey.length !== 32) throw new Error('the PII encryption key must be 32 bytes (base64)');
    if (this.hashKey.length < 32) throw new Error('the PII hash key must be at least 32 bytes (base64)');
    if (this.encryptionKey.equals(this.hashKey)) throw new Error('the PII hash key must differ from the encryption key');
  }

  encrypt(plain: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  decrypt(stored: Buffer): string {
    if (stored[0] !== VERSION) throw new Error(`unknown PII cipher version ${stored[0]}`);
    const iv = stored.subarray(1, 1 + IV_BYTES);
    const tag = stored.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(stored.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  /** The same value always gives the same hash, so it can carry a unique index and be searched. */
  hash(value: string): Buffer {
    return createHmac('sha256', this.hashKey).update(value.normalize('NFKC').trim().toUpperCase()).digest();
  }
}

export const generatePiiKeys = (): { PII_ENCRYPTION_KEY: string; PII_HASH_KEY: string } => ({
  PII_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  PII_HASH_KEY: randomBytes(32).toString('base64'),
});
