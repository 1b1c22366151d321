import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

export const kafkaBrokers = (): string[] => {
  const brokers = process.env['KAFKA_BROKERS'];
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run tests through `npm test` or `civgrid-infra run -- jest`');
  return brokers.split(',');
};

/** A topic prefix of its own, so a test file reads only the events it caused. */
export const topicPrefix = (label: string): string => `t-${label}-${randomBytes(3).toString('hex')}.`;

export interface ReceivedMessage {
  key: string | null;
  headers: Record<string, string>;
  value: Record<string, unknown>;
}

/**
 * Reads a topic from the beginning until `done` says enough arrived (or the time is up), with a real
 * consumer group of its own.
 */
export async function readTopic(
  topic: string,
  done: (messages: ReceivedMessage[]) => boolean,
  timeoutMs = 30_000,
  brokers: string[] = kafkaBrokers(),
): Promise<ReceivedMessage[]> {
  const kafka = new Kafka({ clientId: 'test-reader', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `reader-${randomBytes(4).toString('hex')}`, allowAutoTopicCreation: false });
  const messages: ReceivedMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, timeoutMs);
      consumer
        .run({
          eachMessage: ({ message }) => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
            let value: Record<string, unknown>;
            try {
              value = JSON.parse(message.value?.toString() ?? 'null') as Record<string, unknown>;
            } catch {
              value = { raw: message.value?.toString() };
            }
            messages.push({ key: message.key?.toString() ?? null, headers, value });
            if (done(messages)) {
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
