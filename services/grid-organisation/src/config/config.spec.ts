import { generatePiiKeys } from '@civgrid/pii';
import { ConfigError, loadConfig } from '@civgrid/service-kit';
import { configSchema } from './config';

const base = {
  PORT: '4001',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/grid_organisation',
  KAFKA_BROKERS: '127.0.0.1:9092',
  AUTH_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----',
  GATEWAY_SHARED_SECRET: 'a-shared-secret-of-32-characters',
  ...generatePiiKeys(),
};
const problems = (env: Record<string, string | undefined>): string[] => {
  try {
    loadConfig('grid-organisation', configSchema, env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('grid organisation configuration', () => {
  it('takes grid health thresholds with sensible defaults', () => {
    expect(loadConfig('grid-organisation', configSchema, base)).toMatchObject({
      GRID_HEALTH_MAX_HOUSEHOLDS: 500,
      GRID_HEALTH_MAX_GRIDS_PER_MEMBER: 3,
      GRID_HEALTH_MAX_HOUSEHOLDS_PER_MEMBER: 800,
    });
    expect(loadConfig('grid-organisation', configSchema, { ...base, GRID_HEALTH_MAX_HOUSEHOLDS: '300' }).GRID_HEALTH_MAX_HOUSEHOLDS).toBe(
      300,
    );
  });

  it('refuses to start without the keys that protect members’ phones, or with bad thresholds', () => {
    expect(problems({ ...base, PII_ENCRYPTION_KEY: undefined, PII_HASH_KEY: 'c2hvcnQ=' })).toEqual([
      'PII_ENCRYPTION_KEY is required but not set',
      expect.stringMatching(/^PII_HASH_KEY must be at least 32 random bytes/),
    ]);
    expect(problems({ ...base, GRID_HEALTH_MAX_HOUSEHOLDS: 'many' })).toEqual([expect.stringMatching(/^GRID_HEALTH_MAX_HOUSEHOLDS /)]);
  });

  it('keeps the kit’s rule: exactly one of a public key or a JWKS URL', () => {
    expect(problems({ ...base, AUTH_JWKS_URL: 'https://idp.example/jwks' })).toEqual([
      expect.stringMatching(/^AUTH_PUBLIC_KEY set exactly one/),
    ]);
  });
});
