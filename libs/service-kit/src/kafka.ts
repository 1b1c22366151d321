import { Kafka, logLevel, type RetryOptions } from 'kafkajs';
import type { Logger } from 'pino';

/** A kafkajs client that logs through pino (warnings and worse). */
export function createKafka(
  clientId: string,
  brokers: string[],
  logger: Logger,
  retry: RetryOptions = { retries: 5, initialRetryTime: 200 },
): Kafka {
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3000,
    requestTimeout: 15000,
    retry,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...extra } = log;
        const target = level <= logLevel.ERROR ? 'error' : 'warn';
        logger[target]({ kafka: extra }, String(message));
      },
  });
}
