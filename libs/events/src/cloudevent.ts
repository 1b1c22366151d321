import { randomUUID } from 'node:crypto';

/** A CloudEvents 1.0 envelope in structured mode: the Kafka value is this JSON. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  dataschema?: string;
  /** CloudEvents Distributed Tracing extension: the W3C trace context the event was raised in. */
  traceparent?: string;
  tracestate?: string;
  data: T;
}

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

/** What domain code states about a change; the outbox fills in the rest of the envelope. */
export interface DomainEvent<T extends object = object, K extends string = string> {
  /** e.g. `civgrid.grid.grid-created.v1` */
  type: K;
  /** e.g. `Grid` */
  aggregateType: string;
  aggregateId: string;
  data: T;
  /** For tests and replays; defaults to now. */
  time?: Date;
}

export function toCloudEvent<T extends object>(source: string, event: DomainEvent<T>, id: string = randomUUID()): CloudEvent<T> {
  return {
    specversion: '1.0',
    id,
    source,
    type: event.type,
    subject: event.aggregateId,
    time: (event.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    dataschema: `urn:civgrid:schema:${event.type}`,
    data: event.data,
  };
}

const REQUIRED = ['specversion', 'id', 'source', 'type', 'subject', 'time'] as const;

/** Parses a Kafka value into an envelope, or explains why it is not one. */
export function parseCloudEvent(value: Buffer | string | null): CloudEvent {
  if (value === null) throw new Error('empty message (tombstone)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString());
  } catch {
    throw new Error('message value is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new Error('message value is not a JSON object');
  const record = parsed as Record<string, unknown>;
  for (const field of REQUIRED) {
    if (typeof record[field] !== 'string' || record[field] === '') throw new Error(`CloudEvent attribute "${field}" missing`);
  }
  if (record['specversion'] !== '1.0') throw new Error(`unsupported specversion ${String(record['specversion'])}`);
  return parsed as CloudEvent;
}
