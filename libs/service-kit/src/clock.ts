import { Injectable } from '@nestjs/common';

/**
 * The time every rule asks for. Tests set it (in process, or over the test harness's IPC channel)
 * to cross a deadline without waiting; production never does.
 */
@Injectable()
export class Clock {
  private fixed: number | undefined;

  now(): Date {
    return new Date(this.fixed ?? Date.now());
  }

  /** Tests only: stop the clock at a moment (null lets it run again). */
  set(at: Date | null): void {
    this.fixed = at?.getTime();
  }
}
