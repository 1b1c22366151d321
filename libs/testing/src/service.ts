import { generatePiiKeys } from '@civgrid/pii';
import { TEST_DISTRICT_ROOTS, TEST_GATEWAY_SECRET, TestKeys, TEST_AUDIENCE, TEST_ISSUER } from './auth';
import { kafkaBrokers } from './kafka';

/** The environment a service under test starts with: its own database, the test's topic prefix and key. */
export function serviceEnv(opts: {
  databaseUrl: string;
  topicPrefix: string;
  keys: TestKeys;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: opts.databaseUrl,
    DATABASE_MIGRATE_ON_START: 'true',
    DATABASE_POOL_SIZE: '5',
    KAFKA_BROKERS: kafkaBrokers().join(','),
    KAFKA_TOPIC_PREFIX: opts.topicPrefix,
    KAFKA_TOPIC_PARTITIONS: '2',
    OUTBOX_POLL_MS: '500',
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_AUDIENCE: TEST_AUDIENCE,
    AUTH_PUBLIC_KEY: opts.keys.publicKeyPem,
    AUTH_DISTRICT_ROOT: TEST_DISTRICT_ROOTS.join(','),
    GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    // Fresh keys per service under test; services without personal data ignore them.
    ...generatePiiKeys(),
    ...opts.extra,
  };
}
