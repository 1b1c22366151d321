import { ChildProcess } from 'node:child_process';
import { Role } from '@civgrid/auth';
import { gridOrganisation } from '@civgrid/grid-organisation';
import { dataOf, eventually, freePort, gql, query, readTopic, startInfraServer, stopInfraServer, tokenFor } from '@civgrid/testing';
import { startTestService, TestService } from '@civgrid/service-testing';

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
  await stopInfraServer(broker);
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

    broker = await startInfraServer('kafka', port);
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
