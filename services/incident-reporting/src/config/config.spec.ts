import { configSchema, S3_VARIABLES, s3SettingsOf } from './config';

const base = {
  PORT: '0',
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/incident_reporting',
  KAFKA_BROKERS: '127.0.0.1:9092',
  AUTH_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----',
  GATEWAY_SHARED_SECRET: 'a-shared-secret-of-32-characters',
};
const s3 = {
  PHOTO_S3_ENDPOINT: 'http://127.0.0.1:9000',
  PHOTO_S3_BUCKET: 'civgrid-photos',
  PHOTO_S3_REGION: 'us-east-1',
  PHOTO_S3_ACCESS_KEY_ID: 'key',
  PHOTO_S3_SECRET_ACCESS_KEY: 'secret',
  PHOTO_S3_FORCE_PATH_STYLE: 'true',
};
const problems = (env: Record<string, string>) => {
  const parsed = configSchema.safeParse({ ...base, ...env });
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('incident-reporting config', () => {
  it('takes S3 photo storage with all six settings, and local disk with none', () => {
    expect(problems(s3)).toEqual([]);
    expect(s3SettingsOf(configSchema.parse({ ...base, ...s3 }))).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'civgrid-photos',
      region: 'us-east-1',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
      forcePathStyle: true,
    });
    expect(s3SettingsOf(configSchema.parse(base))).toBeUndefined();
    expect(s3SettingsOf(configSchema.parse({ ...base, ...s3, PHOTO_S3_FORCE_PATH_STYLE: 'false' }))?.forcePathStyle).toBe(false);
  });

  it('stops start-up on a partial S3 setting, naming each missing variable', () => {
    const { PHOTO_S3_SECRET_ACCESS_KEY: _, PHOTO_S3_REGION: __, ...partial } = s3;
    expect(problems(partial)).toEqual([
      expect.stringMatching(/^PHOTO_S3_REGION: S3 photo storage needs all of/),
      expect.stringMatching(/^PHOTO_S3_SECRET_ACCESS_KEY: S3 photo storage needs all of/),
    ]);
    expect(problems({ PHOTO_S3_BUCKET: 'x' }).length).toBe(S3_VARIABLES.length); // too short a name, and five missing
    expect(problems({ ...s3, PHOTO_S3_FORCE_PATH_STYLE: 'yes' })).toHaveLength(1);
  });

  it('requires the photo link secret in production, where instances must agree on it', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual([expect.stringMatching(/^PHOTO_URL_SECRET: required in production/)]);
    expect(problems({ NODE_ENV: 'production', PHOTO_URL_SECRET: 'x'.repeat(32) })).toEqual([]);
    expect(problems({ NODE_ENV: 'development' })).toEqual([]);
  });

  it('publishes through Open311 only the categories listed, never care alerts', () => {
    expect(configSchema.parse(base).OPEN311_PUBLIC_CATEGORIES).toEqual([
      'PUBLIC_SAFETY',
      'ENVIRONMENT_SANITATION',
      'INFRASTRUCTURE',
      'PROPERTY_MANAGEMENT',
      'OTHER',
    ]);
    expect(configSchema.parse({ ...base, OPEN311_PUBLIC_CATEGORIES: ' OTHER, DISPUTE,OTHER' }).OPEN311_PUBLIC_CATEGORIES).toEqual([
      'OTHER',
      'DISPUTE',
    ]);
    expect(problems({ OPEN311_PUBLIC_CATEGORIES: 'OTHER,CARE_ALERT' })).toEqual([expect.stringMatching(/^OPEN311_PUBLIC_CATEGORIES\.1: /)]);
    expect(problems({ OPEN311_PUBLIC_CATEGORIES: 'POTHOLES' })).toHaveLength(1);
    expect(problems({ OPEN311_PUBLIC_CATEGORIES: '' })).toHaveLength(1);
    expect(problems({ OPEN311_PUBLISHED_PRECISION: '7' })).toHaveLength(1);
  });
});
