import { Context, context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';

/**
 * What the relay and the consumer report, for metrics (the service kit counts them). Optional:
 * nothing here changes what they do.
 */
export interface RelayObserver {
  published(count: number, seconds: number): void;
  failed(): void;
}

export type ConsumedOutcome = 'applied' | 'duplicate' | 'dead_lettered' | 'failed';

export interface ConsumerObserver {
  /** One event done with, by type (from the catalogue: bounded). */
  consumed(type: string, outcome: ConsumedOutcome, seconds: number): void;
  deadLettered(sourceTopic: string): void;
  /** Messages behind the partition's high watermark after a fetched batch (kafkajs offsetLag). */
  lag(topic: string, partition: number, lag: number): void;
}

const tracer = () => trace.getTracer('@civgrid/events');

/**
 * The CloudEvents Distributed Tracing extension attributes of the current context (`traceparent`,
 * `tracestate`): written with each outbox row, so the event carries the trace of the change.
 * Empty when tracing is off.
 */
export function traceExtension(): { traceparent?: string; tracestate?: string } {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const out: { traceparent?: string; tracestate?: string } = {};
  if (carrier['traceparent']) out.traceparent = carrier['traceparent'];
  if (carrier['tracestate']) out.tracestate = carrier['tracestate'];
  return out;
}

const fromCarrier = (carrier: Record<string, string | undefined>): Context =>
  propagation.extract(context.active(), carrier, {
    get: (c, key) => c[key],
    keys: (c) => Object.keys(c),
  });

export interface PublishSpan {
  /** Headers to send with the message: the publish span's own traceparent. */
  headers: Record<string, string>;
  end(error?: unknown): void;
}

/**
 * One PRODUCER span per relayed event, a child of the trace the event was written in (its
 * `traceparent`), so the relay's publish shows in the request's trace.
 */
export function startPublishSpan(topic: string, eventId: string, traceparent: string | null | undefined, batchSize: number): PublishSpan {
  const parent = traceparent ? fromCarrier({ traceparent }) : context.active();
  const span = tracer().startSpan(
    `publish ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'publish',
        'messaging.destination.name': topic,
        'messaging.message.id': eventId,
        'messaging.batch.message_count': batchSize,
      },
    },
    parent,
  );
  const headers: Record<string, string> = {};
  if (span.isRecording()) propagation.inject(trace.setSpan(parent, span), headers);
  return {
    headers,
    end(error) {
      if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : 'publish failed' });
      span.end();
    },
  };
}

const headerText = (headers: IHeaders | undefined, key: string): string | undefined => {
  const value = headers?.[key];
  if (value === undefined) return undefined;
  const one = Array.isArray(value) ? value[0] : value;
  return one === undefined ? undefined : one.toString();
};

/**
 * Runs a consumed event's handling in a CONSUMER span that continues the producer's trace: the
 * relay's publish span from the Kafka headers, else the event's own `traceparent` attribute.
 */
export async function inConsumeSpan<T>(
  topic: string,
  event: { id: string; type: string; traceparent?: string; tracestate?: string },
  headers: IHeaders | undefined,
  consumerGroup: string,
  work: () => Promise<T>,
): Promise<T> {
  const fromHeaders = headerText(headers, 'traceparent');
  const carrier = fromHeaders
    ? { traceparent: fromHeaders, tracestate: headerText(headers, 'tracestate') }
    : { traceparent: event.traceparent, tracestate: event.tracestate };
  const parent = carrier.traceparent ? fromCarrier(carrier) : context.active();
  const span = tracer().startSpan(
    `process ${topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': topic,
        'messaging.consumer.group.name': consumerGroup,
        'messaging.message.id': event.id,
        'cloudevents.event_type': event.type,
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}
