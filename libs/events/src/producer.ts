import { Producer, ProducerRecord, RecordMetadata } from 'kafkajs';
import type { Logger } from 'pino';

/** What the relay and the dead-letter path need of a producer. */
export interface EventSender {
  send(record: ProducerRecord): Promise<RecordMetadata[]>;
}

// Errors after which an idempotent producer's state (producer id, epoch, sequence numbers) no longer
// matches the broker's: kafkajs does not retry them, and every later send on the same producer fails
// the same way. A send whose outcome is unknown (a timeout, a connection closed before the answer)
// belongs here too: kafkajs rolls its sequence back and the broker may already hold the batch.
const STUCK =
  /OUT_OF_ORDER_SEQUENCE|out of order sequence|PRODUCER_FENCED|INVALID_PRODUCER_EPOCH|UNKNOWN_PRODUCER_ID|timed out|timeout|Connection error|closed/i;

/** True for the failures after which kafkajs cannot recover the producer itself. */
export function isProducerStuck(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { type?: unknown; name?: unknown; message?: unknown; retriable?: unknown; cause?: unknown; originalError?: unknown };
  const text = [e.type, e.name, e.message].filter((x) => typeof x === 'string').join(' ');
  if (STUCK.test(text) || e.retriable === false) return true;
  return isProducerStuck(e.cause) || isProducerStuck(e.originalError);
}

/**
 * A producer that is replaced after any failed send: the failed one is disconnected and the next
 * send connects a fresh idempotent producer (a new producer id, sequences from zero). kafkajs retries
 * what it can inside one send; a send that still fails leaves a producer we cannot trust (see
 * `isProducerStuck`), and telling the two apart from outside is guesswork, so every failure replaces it.
 */
export class SelfHealingProducer implements EventSender {
  private current: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  /** How many producers were made: 1 after the first send, one more after each replacement. */
  generation = 0;
  lastError: string | undefined;

  constructor(
    private readonly create: () => Producer,
    private readonly logger: Logger,
  ) {}

  get connected(): boolean {
    return this.current !== undefined;
  }

  /** The connected producer, made and connected when there is none. */
  async producer(): Promise<Producer> {
    if (this.current) return this.current;
    this.connecting ??= (async () => {
      const producer = this.create();
      this.generation += 1;
      try {
        await producer.connect();
      } catch (error) {
        await producer.disconnect().catch(() => undefined);
        throw error;
      }
      producer.on('producer.disconnect', () => {
        if (this.current === producer) this.current = undefined;
      });
      this.current = producer;
      return producer;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    const producer = await this.producer();
    try {
      return await producer.send(record);
    } catch (error) {
      await this.replace(producer, error);
      throw error;
    }
  }

  /** Drops `producer` (when it is still the current one); the next send makes a fresh one. */
  async replace(producer: Producer | undefined, error: unknown): Promise<void> {
    this.lastError = error instanceof Error ? error.message : String(error);
    if (!producer || this.current !== producer) return;
    this.current = undefined;
    this.logger.warn(
      { err: error, stuck: isProducerStuck(error), generation: this.generation },
      'a send failed: the producer is dropped, the next send uses a fresh idempotent producer',
    );
    await producer.disconnect().catch(() => undefined);
  }

  async disconnect(): Promise<void> {
    await this.connecting?.catch(() => undefined);
    const producer = this.current;
    this.current = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}
