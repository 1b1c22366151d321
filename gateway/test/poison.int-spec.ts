import { Kafka, logLevel } from 'kafkajs';
import { DeadLetter, deadLetterTopic, listDeadLetters } from '@civgrid/events';
import { eventually, kafkaBrokers } from '@civgrid/testing';
import { startStack, Stack } from '../src/stack';
import { populationFixtures } from './population-fixtures';

// A poison record (not a CloudEvent at all) on every partition of every topic a service consumes:
// each consumer parks each one in its own dead-letter topic, saying where it came from, moves on
// past it, and goes on applying the events that follow.

let stack: Stack;
const kafka = new Kafka({ clientId: 'poison-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });

beforeAll(async () => {
  stack = await startStack('poison');
}, 180_000);
afterAll(async () => stack?.stop());

interface ConsumerStatus {
  group: string;
  topics: string[];
  joined: boolean;
  applied: number;
}
const statusOf = async (service: string): Promise<ConsumerStatus | null> =>
  ((await (await fetch(stack.services[service].url.replace(/\/graphql$/, '/health/status'))).json()) as { consumer: ConsumerStatus | null })
    .consumer;

it('parks a poison record on each consumed topic with its source partition and offset, moves past it and applies the next good events', async () => {
  const consumers: Record<string, ConsumerStatus> = {};
  for (const name of Object.keys(stack.services)) {
    const status = await eventually(async () => {
      const s = await statusOf(name);
      return s && s.joined ? s : undefined;
    }, 60_000);
    consumers[name] = status;
  }
  // Each of the four consumes something; together they read every domain's topic.
  const topics = [...new Set(Object.values(consumers).flatMap((c) => c.topics))];
  expect(topics.length).toBeGreaterThanOrEqual(4);

  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  await producer.connect();
  const poisoned: { topic: string; partition: number; offset: string }[] = [];
  try {
    for (const topic of topics) {
      const [{ partitions }] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      for (const { partitionId } of partitions) {
        const [ack] = await producer.send({
          topic,
          acks: -1,
          messages: [{ partition: partitionId, key: `poison-${partitionId}`, value: '{"specversion": "1.0", this is not JSON' }],
        });
        poisoned.push({ topic, partition: partitionId, offset: ack.baseOffset! });
      }
    }

    // Each consumer parks each poison of its topics, where it came from.
    for (const [name, consumer] of Object.entries(consumers)) {
      const mine = poisoned.filter((p) => consumer.topics.includes(p.topic));
      const parked = await eventually(async () => {
        const all = await listDeadLetters(kafka, deadLetterTopic({ prefix: stack.prefix }, name));
        const found = mine.map((p) =>
          all.find((d) => d.source.topic === p.topic && d.source.partition === p.partition && d.source.offset === p.offset),
        );
        return found.every(Boolean) ? (found as DeadLetter[]) : undefined;
      }, 30_000);
      for (const d of parked) {
        expect(d).toMatchObject({ consumer: name, group: consumer.group, eventId: null, reason: expect.stringMatching(/malformed/) });
        expect(d.firstFailureAt).not.toBeNull();
      }
      // It moved on: its group's committed offset is past the poison on every partition.
      for (const topic of consumer.topics) {
        const committed = await eventually(async () => {
          const [offsets] = await admin.fetchOffsets({ groupId: consumer.group, topics: [topic] });
          const all = mine.filter((p) => p.topic === topic);
          return all.every((p) => Number(offsets.partitions.find((o) => o.partition === p.partition)?.offset ?? -1) > Number(p.offset))
            ? true
            : undefined;
        }, 30_000);
        expect(committed).toBe(true);
      }
    }
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }

  // The events after the poisons are applied: a village with its grids (grid events), a household
  // in one of them (population events), each consumed by some of the services.
  const before = Object.fromEntries(Object.entries(consumers).map(([n, c]) => [n, c.applied]));
  const make = populationFixtures(stack);
  const { basic } = await make.place();
  await make.household(basic.id);
  const idle = async () => {
    const still: string[] = [];
    for (const name of Object.keys(consumers)) if ((await statusOf(name))!.applied <= before[name]) still.push(name);
    return still;
  };
  await eventually(async () => ((await idle()).length === 0 ? true : undefined), 30_000).catch(() => undefined);
  expect(await idle()).toEqual([]);
}, 240_000);
