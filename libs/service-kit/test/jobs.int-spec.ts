import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { BaseConfig, Clock, Jobs, ServiceDefinition } from '../src';

// Jobs keep no table: their locks are advisory locks named after the service and the job, so this
// file needs no database of its own (the kit cannot use @civgrid/testing, which depends on it), only
// a service name nobody else uses.
const url = process.env['DATABASE_URL'];
const serviceName = `jobs-test-${randomBytes(4).toString('hex')}`;
const sources: DataSource[] = [];

afterAll(async () => {
  await Promise.all(sources.map((s) => s.destroy()));
});

/** One "instance" of a service: its own pool and its own Jobs, on the shared database. */
async function instance(clock = new Clock()): Promise<Jobs> {
  if (!url) throw new Error('DATABASE_URL is not set: run tests through `npm test` or `civgrid-infra run -- jest`');
  const ds = new DataSource({ type: 'postgres', url });
  await ds.initialize();
  sources.push(ds);
  const def = { name: serviceName } as ServiceDefinition;
  return new Jobs(ds, clock, def, { JOBS_ENABLED: true } as BaseConfig, pino({ level: 'silent' }), { schemaOnly: false });
}

describe('scheduled jobs', () => {
  it('runs a round on one instance at a time, and the other instance skips it', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a = await instance();
    const b = await instance();
    for (const [jobs, label] of [
      [a, 'a'],
      [b, 'b'],
    ] as const) {
      jobs.register({
        name: 'deadline-sweep',
        everyMs: 60_000,
        run: async () => {
          seen.push(label);
          await gate;
          return 1;
        },
      });
    }
    const first = a.runNow('deadline-sweep');
    await new Promise((r) => setTimeout(r, 200));
    const second = await b.runNow('deadline-sweep');
    release();
    expect(await first).toEqual({ ran: true, count: 1 });
    expect(second).toEqual({ ran: false, count: 0 });
    expect(seen).toEqual(['a']);
    // Once the first round is over, the other instance may run the next one.
    expect(await b.runNow('deadline-sweep')).toEqual({ ran: true, count: 1 });
  });

  it('gives each round the clock time, which tests may set', async () => {
    const clock = new Clock();
    const jobs = await instance(clock);
    const times: string[] = [];
    jobs.register({ name: 'tick', everyMs: 60_000, run: (now) => Promise.resolve(void times.push(now.toISOString())) });
    clock.set(new Date('2026-11-24T07:45:00+08:00'));
    await jobs.runNow('tick');
    expect(times).toEqual(['2026-11-23T23:45:00.000Z']);
    await expect(jobs.runNow('nope')).rejects.toThrow(/no job nope/);
  });
});
