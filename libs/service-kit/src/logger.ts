import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';

// Personal data never reaches a log line, whatever object carries it.
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  '*.nationalId',
  '*.nationalIdNumber',
  '*.idNumber',
  '*.phone',
  '*.phoneNumber',
  '*.mobile',
  '*.password',
  'nationalId',
  'phone',
  'variables',
  '*.variables',
  '*.addressText',
  '*.contacts',
  // TypeORM's QueryFailedError carries the statement's parameters (names, addresses), and
  // PostgreSQL's detail quotes the offending values ("Key (name)=(王秀英) already exists").
  'err.parameters',
  'err.detail',
  'err.driverError.parameters',
  'err.driverError.detail',
  'err.driverError.where',
  // body-parser keeps the raw request text on its errors.
  'err.body',
  'body',
  'req.body',
];

/** The services' logger (pino), for packages that do not depend on pino themselves. */
export type ServiceLogger = Logger;

export function createLogger(service: string, level: string, destination?: pino.DestinationStream): Logger {
  const options = {
    name: service,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Nest's own messages through the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
