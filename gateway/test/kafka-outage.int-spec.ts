import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Role } from '@civgrid/auth';
import { gridOrganisation } from '@civgrid/grid-organisation';
import { dataOf, eventually, gql, query, readTopic, tokenFor } from '@civgrid/testing';
import { startTestService, TestService } from '@civgrid/service-testing';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** A broker of its own on a chosen port, started and stopped by this test: the outage is real. */
function startBroker(port: number): Promise<ChildProcess> {
  const cli = join(__dirname, '..', '..', 'libs', 'devinfra', 'src', 'cli.mjs');
  const child = spawn(process.execPath, [cli, 'kafka', '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('KAFKA_BROKERS=')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`the test broker exited (${code})`)));
  });
}

let svc: TestService;
let broker: ChildProcess | undefined;
let port: number;

beforeAll(async () => {
  port = await freePort();
  svc = await startTestService(gridOrganisation, {
    label: 'outage',
    extraEnv: { KAFKA_BROKERS: `127.0.0.1:${port}` },
    waitForKafka: false,
  });
});
afterAll(async () => {
  await svc?.stop();
  if (broker && broker.exitCode === null) {
    const exited = new Promise((r) => broker!.once('exit', r));
    broker.kill('SIGTERM');
    await exited;
  }
});

describe('when Kafka is down', () => {
  it('still accepts changes, keeps their events in the outbox, and publishes them once the broker is back', async () => {
    const admin = await tokenFor(svc.keys, { roles: [Role.ADMIN] });
    const district = dataOf(
      await gql<{ createArea: { id: string } }>(
        svc.url,
        `mutation { createArea(input: { code: "371000000000", name: "停电区" }) { id } }`,
        {},
        admin,
      ),
    ).createArea;

    // The relay has tried and failed; the event waits, unpublished.
    const waiting = await eventually(async () => {
      const [row] = await query<{ attempts: number; published: boolean }>(
        svc.db.url,
        `SELECT attempts, published_at IS NOT NULL AS published FROM outbox WHERE aggregateid = $1`,
        [district.id],
      );
      return row && row.attempts > 0 ? row : undefined;
    }, 30_000);
    expect(waiting.published).toBe(false);

    broker = await startBroker(port);
    await eventually(
      async () => {
        const [row] = await query<{ published: boolean }>(
          svc.db.url,
          `SELECT published_at IS NOT NULL AS published FROM outbox WHERE aggregateid = $1`,
          [district.id],
        );
        return row?.published ? true : undefined;
      },
      60_000,
      250,
    );
    const messages = await readTopic(svc.topic('grid'), (m) => m.some((x) => x.key === district.id), 30_000, [`127.0.0.1:${port}`]);
    expect(messages.filter((m) => m.key === district.id)).toHaveLength(1);
  }, 150_000);
});
