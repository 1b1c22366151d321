import { generatePiiKeys, PiiCipher } from './cipher';
import { maskNationalId, maskPhone } from './mask';

const keys = generatePiiKeys();
const cipher = new PiiCipher(keys.PII_ENCRYPTION_KEY, keys.PII_HASH_KEY);

describe('PiiCipher', () => {
  it('round-trips, never stores the plain text, and gives a different ciphertext each time', () => {
    const a = cipher.encrypt('370911199001011234');
    const b = cipher.encrypt('370911199001011234');
    expect(cipher.decrypt(a)).toBe('370911199001011234');
    expect(a.equals(b)).toBe(false);
    expect(a.toString('latin1')).not.toContain('370911');
  });

  it('refuses a tampered value', () => {
    const stored = cipher.encrypt('13812345678');
    stored[stored.length - 1] ^= 1;
    expect(() => cipher.decrypt(stored)).toThrow();
  });

  it('hashes the same person the same way whatever the case of the check letter, and differently under another key', () => {
    expect(cipher.hash('11010519491231002x').equals(cipher.hash('11010519491231002X'))).toBe(true);
    const other = generatePiiKeys();
    expect(
      new PiiCipher(other.PII_ENCRYPTION_KEY, other.PII_HASH_KEY).hash('11010519491231002X').equals(cipher.hash('11010519491231002X')),
    ).toBe(false);
  });

  it('refuses short keys and one key used for both purposes', () => {
    expect(() => new PiiCipher(Buffer.alloc(16).toString('base64'), keys.PII_HASH_KEY)).toThrow(/32 bytes/);
    expect(() => new PiiCipher(keys.PII_ENCRYPTION_KEY, keys.PII_ENCRYPTION_KEY)).toThrow(/differ/);
  });
});

describe('masking', () => {
  it('keeps region and last digits of an ID number and a phone', () => {
    expect(maskNationalId('370911199001011234')).toBe('3709**********1234');
    expect(maskPhone('13812345678')).toBe('138****5678');
  });
});
