import type { Clock } from '../../lambdas/core/clock.ts';

/** A clock that only moves when told to: tests move time on instead of waiting for it. */
export class FakeClock implements Clock {
  private current: number;
  constructor(start = Date.parse('2025-03-01T12:00:00.000Z')) {
    this.current = start;
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(seconds: number): void {
    this.current += seconds * 1000;
  }
}
