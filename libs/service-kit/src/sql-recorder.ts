import { AbstractLogger, LogLevel, LogMessage, QueryRunner } from 'typeorm';

/**
 * Counts (and, when asked, keeps) the SQL statements a service sends: tests use it to prove
 * that a batch costs one statement; in development it makes the SQL visible.
 */
export class SqlRecorder extends AbstractLogger {
  count = 0;
  private recording: string[] | undefined;

  record(): void {
    this.recording = [];
    this.count = 0;
  }

  stop(): string[] {
    const out = this.recording ?? [];
    this.recording = undefined;
    return out;
  }

  override logQuery(query: string): void {
    this.count += 1;
    this.recording?.push(query);
  }

  protected writeLog(
    _level: LogLevel,
    _message: LogMessage | string | number | (LogMessage | string | number)[],
    _runner?: QueryRunner,
  ): void {
    // Nothing: only counting.
  }
}
