import { eventsTopic } from '@civgrid/events';
import { Clock, Jobs, ServiceDefinition, SqlRecorder, startService, StartedService } from '@civgrid/service-kit';
import { createTestDatabase, makeKeys, serviceEnv, TestDatabase, TestKeys, topicPrefix } from '@civgrid/testing';

export interface TestService extends StartedService {
  db: TestDatabase;
  keys: TestKeys;
  prefix: string;
  sql: SqlRecorder;
  /** The service's clock: set it to cross a deadline without waiting. */
  clock: Clock;
  jobs: Jobs;
  topic(domain: string): string;
  stop(): Promise<void>;
}

/**
 * One real service for one test file: its own database (migrated), its own topic prefix on the
 * real broker, its own signing key.
 */
export async function startTestService(
  def: ServiceDefinition,
  opts: { label?: string; keys?: TestKeys; prefix?: string; extraEnv?: Record<string, string>; waitForKafka?: boolean } = {},
): Promise<TestService> {
  const label = opts.label ?? def.name.split('-')[0];
  const keys = opts.keys ?? (await makeKeys());
  const prefix = opts.prefix ?? topicPrefix(label);
  const db = await createTestDatabase(def.name.replace(/-/g, '_'));
  const env = serviceEnv({ databaseUrl: db.url, topicPrefix: prefix, keys, extra: opts.extraEnv });
  let started: StartedService;
  try {
    started = await startService(def, env, { waitForKafka: opts.waitForKafka ?? true });
  } catch (error) {
    await db.drop();
    throw error;
  }
  return {
    ...started,
    db,
    keys,
    prefix,
    sql: started.app.get(SqlRecorder),
    clock: started.app.get(Clock),
    jobs: started.app.get(Jobs),
    topic: (domain: string) => eventsTopic({ prefix }, domain),
    async stop() {
      await started.close();
      await db.drop();
    },
  };
}
