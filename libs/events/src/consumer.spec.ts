import pino from 'pino';
import type { Kafka, Producer } from 'kafkajs';
import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError, type DataSource, type EntityManager } from 'typeorm';
import { EventCatalogue } from './catalogue';
import { EventConsumer, isTransient } from './consumer';

const TYPE = 'civgrid.test.thing-happened.v1';
const catalogue = new EventCatalogue({ [TYPE]: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } });
const message = {
  key: Buffer.from('k'),
  headers: {},
  value: Buffer.from(
    JSON.stringify({
      specversion: '1.0',
      id: 'e-1',
      source: '/t',
      type: TYPE,
      subject: 'k',
      time: new Date().toISOString(),
      data: { n: 1 },
    }),
  ),
};

/** The database boundary: fails the first `failures` transactions with `error`, then applies. */
function consumerOver(failures: number, error: unknown) {
  let calls = 0;
  const parked: unknown[] = [];
  const applied: number[] = [];
  const dataSource = {
    transaction: async (work: (m: EntityManager) => Promise<void>) => {
      calls += 1;
      if (calls <= failures) throw error;
      await work({ query: async () => [{ event_id: 'e-1' }] } as unknown as EntityManager);
    },
  } as unknown as DataSource;
  const producer = { send: async (record: unknown) => void parked.push(record) } as unknown as Producer;
  const consumer = new EventConsumer({
    kafka: {} as Kafka,
    dataSource,
    logger: pino({ level: 'silent' }),
    name: 'test',
    groupId: 'g',
    topics: ['t'],
    catalogue,
    producer,
    deadLetterTopic: 'dlq',
    maxAttempts: 2,
    retryDelayMs: 1,
    handlers: { [TYPE]: async (event) => void applied.push((event.data as { n: number }).n) },
  });
  return { consumer, parked, applied };
}

describe('a consumer whose database fails', () => {
  it('parks an event its handler keeps refusing, after the bounded attempts', async () => {
    const { consumer, parked, applied } = consumerOver(10, new Error('the handler cannot take this'));
    await consumer.handle('t', message);
    expect(parked).toHaveLength(1);
    expect(applied).toEqual([]);
  });

  it('does not park an event because the database was away: it throws, so the event comes again', async () => {
    const outage = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const { consumer, parked, applied } = consumerOver(3, outage);
    await expect(consumer.handle('t', message)).rejects.toBe(outage);
    expect(parked).toEqual([]);
    await consumer.handle('t', message); // redelivered once the database is back
    expect(applied).toEqual([1]);
  });

  it('tells connection and concurrency failures from refusals of the data', () => {
    expect(isTransient(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransient({ code: 'QueryFailedError', driverError: { code: '40P01' } })).toBe(true);
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
    // The server went away mid-transaction: TypeORM released its query runner, nothing was committed.
    expect(isTransient(new QueryRunnerAlreadyReleasedError())).toBe(true);
    expect(isTransient(new QueryRunnerProviderAlreadyReleasedError())).toBe(true);
    expect(isTransient({ code: '23505' })).toBe(false);
    expect(isTransient(new Error('no such grid'))).toBe(false);
  });
});
