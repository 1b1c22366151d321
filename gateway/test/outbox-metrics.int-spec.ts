import { ChildProcess } from 'node:child_process';
import { Role } from '@civgrid/auth';
import { gridOrganisation } from '@civgrid/grid-organisation';
import { dataOf, eventually, freePort, gql, startInfraServer, stopInfraServer, tokenFor } from '@civgrid/testing';
import { startTestService, TestService } from '@civgrid/service-testing';

// The outbox backlog gauges while the broker is down and after it is back: what an operator's
// alert on civgrid_outbox_oldest_unpublished_age_seconds sees.

let svc: TestService;
let broker: ChildProcess | undefined;
let port: number;

beforeAll(async () => {
  port = await freePort();
  svc = await startTestService(gridOrganisation, {
    label: 'outbox-metrics',
    extraEnv: { KAFKA_BROKERS: `127.0.0.1:${port}` },
    waitForKafka: false,
  });
});
afterAll(async () => {
  await svc?.stop();
  await stopInfraServer(broker);
});

async function gauges(): Promise<{ rows: number; age: number; errors: number; published: number }> {
  const text = await (await fetch(svc.url.replace(/\/graphql$/, '/metrics'))).text();
  const value = (name: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
  };
  return {
    rows: value('civgrid_outbox_backlog_rows'),
    age: value('civgrid_outbox_oldest_unpublished_age_seconds'),
    errors: value('civgrid_outbox_publish_errors_total'),
    published: value('civgrid_outbox_published_total'),
  };
}

describe('outbox backlog metrics', () => {
  it('rise while the broker is down (with the relay errors counted) and fall to zero once it is back', async () => {
    const admin = await tokenFor(svc.keys, { roles: [Role.ADMIN] });
    for (const [code, name] of [
      ['372000000000', '指标一区'],
      ['373000000000', '指标二区'],
    ]) {
      dataOf(await gql(svc.url, `mutation($i: CreateAreaInput!) { createArea(input: $i) { id } }`, { i: { code, name } }, admin));
    }
    const down = await eventually(async () => {
      const g = await gauges();
      return g.rows >= 2 && g.age >= 1 && g.errors >= 1 ? g : undefined;
    }, 30_000);
    expect(down.published).toBe(0);

    broker = await startInfraServer('kafka', port);
    const up = await eventually(
      async () => {
        const g = await gauges();
        return g.rows === 0 ? g : undefined;
      },
      60_000,
      500,
    );
    expect(up.age).toBe(0);
    expect(up.published).toBeGreaterThanOrEqual(2);
  }, 150_000);
});
