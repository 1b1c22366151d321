import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Role } from '@civgrid/auth';
import { EVENTS_RETENTION_JOB } from '@civgrid/service-kit';
import { startTestService, TestService } from '@civgrid/service-testing';
import { eventually, gql, query, tokenFor } from '@civgrid/testing';
import { gridOrganisation } from '../src';

// What an operator and a client see of the service's moving parts: health, status, retention, and a
// database that goes away under it.
let svc: TestService;
beforeAll(async () => {
  svc = await startTestService(gridOrganisation, { label: 'runtime' });
});
afterAll(async () => {
  await query(process.env['DATABASE_URL']!, `ALTER DATABASE "${svc.db.name}" ALLOW_CONNECTIONS true`).catch(() => undefined);
  await svc?.stop();
});

const base = () => svc.url.replace(/\/graphql$/, '');

describe('health and status', () => {
  it('is live and ready while the database answers, and reports broker, backlog and consumer on /health/status and /metrics', async () => {
    expect((await fetch(`${base()}/health/live`)).status).toBe(200);
    const ready = await fetch(`${base()}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', database: 'up' });
    // Each figure is read with a short timeout and is null when the broker answers too slowly (a
    // loaded machine): as an operator would, ask again until the lag is there.
    const status = await eventually(
      async () => {
        const s = (await (await fetch(`${base()}/health/status`)).json()) as { consumer?: { lag?: unknown } };
        return typeof s.consumer?.lag === 'number' ? s : undefined;
      },
      20_000,
      250,
    );
    expect(status).toMatchObject({
      service: 'grid-organisation',
      database: 'up',
      kafka: { broker: 'up' },
      relay: { leader: true, producerGeneration: expect.any(Number) },
      outbox: { unpublished: expect.any(Number) },
      consumer: { group: expect.stringContaining('civgrid.grid-organisation'), lag: expect.any(Number) },
    });
    const metrics = await (await fetch(`${base()}/metrics`)).text();
    expect(metrics).toMatch(/^civgrid_outbox_backlog_rows\{component="grid-organisation"\} \d+$/m);
    expect(metrics).toMatch(/^civgrid_kafka_up\{component="grid-organisation"\} 1$/m);
    expect(metrics).toMatch(/^civgrid_outbox_relay_leader\{component="grid-organisation"\} 1$/m);
  });
});

describe('retention', () => {
  it('prunes published outbox rows and inbox ids past their retention, keeps the rest, and runs on one instance at a time', async () => {
    const old = randomUUID();
    const recent = randomUUID();
    await query(
      svc.db.url,
      `INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, created_at, published_at) VALUES
         ($1, 'T', 'retention-old', 't', '{}', now() - interval '200 hours', now() - interval '200 hours'),
         ($2, 'T', 'retention-recent', 't', '{}', now() - interval '2 hours', now() - interval '2 hours')`,
      [old, recent],
    );
    await query(
      svc.db.url,
      `INSERT INTO inbox (consumer, event_id, event_type, received_at) VALUES
         ('retention-test', 'old', 't', now() - interval '400 hours'), ('retention-test', 'recent', 't', now() - interval '2 hours')`,
    );
    // Another instance holds the job's lock: this round does nothing.
    const other = new Client({ connectionString: svc.db.url });
    await other.connect();
    await other.query('BEGIN');
    await other.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`civgrid:job:grid-organisation:${EVENTS_RETENTION_JOB}`]);
    expect(await svc.jobs.runNow(EVENTS_RETENTION_JOB)).toEqual({ ran: false, count: 0 });
    await other.query('COMMIT');
    await other.end();
    const round = await svc.jobs.runNow(EVENTS_RETENTION_JOB);
    expect(round.ran).toBe(true);
    expect(round.count).toBeGreaterThanOrEqual(2);
    const outbox = await query<{ aggregateid: string }>(svc.db.url, `SELECT aggregateid FROM outbox WHERE aggregateid LIKE 'retention-%'`);
    expect(outbox.map((r) => r.aggregateid)).toEqual(['retention-recent']);
    const inbox = await query<{ event_id: string }>(svc.db.url, `SELECT event_id FROM inbox WHERE consumer = 'retention-test'`);
    expect(inbox.map((r) => r.event_id)).toEqual(['recent']);
  });
});

describe('when the database goes away', () => {
  it('answers 503 SERVICE_UNAVAILABLE with Retry-After and retryable, stays live, and serves again once it is back, without a restart', async () => {
    const admin = await tokenFor(svc.keys, { roles: [Role.ADMIN] });
    const areas = `query { areas(first: 1) { edges { node { id } } } }`;
    expect((await gql(svc.url, areas, {}, admin)).errors).toBeUndefined();
    const adminUrl = process.env['DATABASE_URL']!;
    await query(adminUrl, `ALTER DATABASE "${svc.db.name}" ALLOW_CONNECTIONS false`);
    await query(adminUrl, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [
      svc.db.name,
    ]);
    try {
      const res = await fetch(svc.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ query: areas }),
      });
      const body = (await res.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
      expect(body.errors[0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(body.errors[0].message).not.toMatch(/postgres|ALLOW_CONNECTIONS|at .*\.js/i);
      expect((await fetch(`${base()}/health/ready`)).status).toBe(503);
      expect((await fetch(`${base()}/health/live`)).status).toBe(200);
    } finally {
      await query(adminUrl, `ALTER DATABASE "${svc.db.name}" ALLOW_CONNECTIONS true`);
    }
    await eventually(async () => ((await gql(svc.url, areas, {}, admin)).errors === undefined ? true : undefined), 15_000, 200);
    expect((await fetch(`${base()}/health/ready`)).status).toBe(200);
  });
});
