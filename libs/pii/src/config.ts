import { z } from 'zod';

const key = (bytes: number) =>
  z
    .string()
    .refine(
      (v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length >= bytes,
      `must be at least ${bytes} random bytes, base64-encoded`,
    );

/** Keys for services that hold personal data; merge into the service's config schema. */
export const piiConfigShape = {
  PII_ENCRYPTION_KEY: key(32).refine((v) => Buffer.from(v, 'base64').length === 32, 'must be exactly 32 bytes (AES-256), base64-encoded'),
  PII_HASH_KEY: key(32),
};
