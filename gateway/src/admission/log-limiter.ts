import type { Clock } from '@trygg/protocol';

/** What to do with one occurrence; see LogLimiter.check. */
export type LogDecision =
  /** First time for this key in the interval: log it. */
  | 'log'
  /** This key was already logged in the interval: count only. */
  | 'repeat'
  /** The interval's key budget just ran out: log that further keys are counted only. */
  | 'budget-spent'
  /** Budget spent earlier in the interval: count only. */
  | 'quiet';

export interface LogLimiterOptions {
  clock: Clock;
  intervalMs: number;
  /** Distinct keys logged per interval; bounds memory and log volume under a flood of ids. */
  maxKeysPerInterval: number;
  /** Told, at the start of a new interval, how many occurrences the last one did not log. */
  onIntervalEnd?: (unlogged: number) => void;
}

/**
 * "Once per key per interval": a flood of 10,000 junk ids must not become 10,000 log lines
 * (logging is work in front of the next alarm), yet every distinct problem shows up at least
 * once an interval until the budget is spent, and a summary says how much went unlogged.
 */
export class LogLimiter {
  private readonly logged = new Set<string>();
  private windowStart = Number.NEGATIVE_INFINITY;
  private unlogged = 0;
  private budgetAnnounced = false;

  constructor(private readonly opts: LogLimiterOptions) {}

  check(key: string): LogDecision {
    const now = this.opts.clock.now();
    if (now - this.windowStart >= this.opts.intervalMs) {
      if (this.unlogged > 0) this.opts.onIntervalEnd?.(this.unlogged);
      this.logged.clear();
      this.unlogged = 0;
      this.budgetAnnounced = false;
      this.windowStart = now;
    }
    if (this.logged.has(key)) {
      this.unlogged++;
      return 'repeat';
    }
    if (this.logged.size >= this.opts.maxKeysPerInterval) {
      this.unlogged++;
      if (this.budgetAnnounced) return 'quiet';
      this.budgetAnnounced = true;
      return 'budget-spent';
    }
    this.logged.add(key);
    return 'log';
  }
}
