import { randomBytes } from 'node:crypto';
import { IHeaders, Kafka } from 'kafkajs';
import { DLQ_HEADERS } from './consumer';

/** One parked record, as `events dlq list` shows it. */
export interface DeadLetter {
  /** `<dlq partition>:<dlq offset>`: names the parked record for `redrive --id`. */
  id: string;
  /** The CloudEvent id when the value is one (`redrive --id` takes it too). */
  eventId: string | null;
  eventType: string | null;
  key: string | null;
  reason: string;
  consumer: string;
  group: string;
  source: { topic: string; partition: number | null; offset: string | null };
  firstFailureAt: string | null;
  lastFailureAt: string | null;
}

interface RawRecord {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

const text = (v: IHeaders[string]): string | null =>
  v === undefined ? null : Array.isArray(v) ? (v[0]?.toString() ?? null) : v.toString();

/** Every record on a topic up to its current end, read with a throw-away consumer group. */
async function readToEnd(kafka: Kafka, topic: string, timeoutMs = 20_000): Promise<RawRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: { partition: number; high: string; low: string }[];
  try {
    if (!(await admin.listTopics()).includes(topic)) return [];
    ends = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const waiting = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high) - 1]));
  if (waiting.size === 0) return [];
  const records: RawRecord[] = [];
  const consumer = kafka.consumer({ groupId: `civgrid-dlq-reader-${randomBytes(4).toString('hex')}`, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`could not read ${topic} to its end in ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          eachMessage: ({ partition, message }) => {
            records.push({ partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers ?? {} });
            if (Number(message.offset) >= (waiting.get(partition) ?? Infinity)) waiting.delete(partition);
            if (waiting.size === 0) {
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
  return records.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}

function describe(record: RawRecord): DeadLetter {
  const h = record.headers;
  let eventId: string | null = null;
  let eventType: string | null = null;
  try {
    const value = JSON.parse(record.value?.toString() ?? '') as { id?: unknown; type?: unknown };
    eventId = typeof value.id === 'string' ? value.id : null;
    eventType = typeof value.type === 'string' ? value.type : null;
  } catch {
    // a malformed record: shown by its position only
  }
  const partition = text(h[DLQ_HEADERS.partition]);
  return {
    id: `${record.partition}:${record.offset}`,
    eventId,
    eventType,
    key: record.key?.toString() ?? null,
    reason: text(h[DLQ_HEADERS.reason]) ?? '',
    consumer: text(h[DLQ_HEADERS.consumer]) ?? '',
    group: text(h[DLQ_HEADERS.group]) ?? '',
    source: {
      topic: text(h[DLQ_HEADERS.topic]) ?? '',
      partition: partition ? Number(partition) : null,
      offset: text(h[DLQ_HEADERS.offset]) || null,
    },
    firstFailureAt: text(h[DLQ_HEADERS.firstFailureAt]),
    lastFailureAt: text(h[DLQ_HEADERS.lastFailureAt]),
  };
}

const matches = (d: DeadLetter, id?: string): boolean => !id || d.id === id || d.eventId === id;

/** The records parked in a dead-letter topic (`id`: a parked record's `partition:offset` or its event id). */
export async function listDeadLetters(kafka: Kafka, dlqTopic: string, id?: string): Promise<DeadLetter[]> {
  return (await readToEnd(kafka, dlqTopic)).map(describe).filter((d) => matches(d, id));
}

/**
 * Puts parked records back for their consumer (on its redrive topic), key, value and headers as
 * parked: the consumer applies them through its inbox, so one already applied changes nothing, and
 * one that fails again is parked again with its first source and first failure time.
 */
export async function redriveDeadLetters(kafka: Kafka, dlqTopic: string, toTopic: string, id?: string): Promise<DeadLetter[]> {
  const records = (await readToEnd(kafka, dlqTopic)).filter((r) => matches(describe(r), id));
  if (records.length === 0) return [];
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({
      topic: toTopic,
      acks: -1,
      messages: records.map((r) => ({
        key: r.key,
        value: r.value,
        headers: { ...r.headers, 'civgrid-redriven-from': `${dlqTopic}:${r.partition}:${r.offset}` },
      })),
    });
  } finally {
    await producer.disconnect();
  }
  return records.map(describe);
}
