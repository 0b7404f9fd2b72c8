import type { Clock, TimerHandle } from '@trygg/protocol';

/**
 * A simulated clock for property tests of code whose timer callbacks start async work (the
 * escalation scheduler fires `escalate`, which awaits the store). FakeClock.advance fires every
 * due timer in one synchronous sweep, so that work would only run afterwards, at the target
 * time; here each timer fires at its own instant and the test's `settle` runs before time moves
 * on, so an escalation is recorded at the time it was due.
 */
export class SteppingClock implements Clock {
  private timers: { at: number; seq: number; fn: () => void; cancelled: boolean }[] = [];
  private seq = 0;

  constructor(private current = Date.parse('2026-01-05T09:00:00.000Z')) {}

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => { timer.cancelled = true; } };
  }

  /** Moves to `current + ms`, firing due timers one at a time and awaiting `settle` after each. */
  async advance(ms: number, settle: () => Promise<void>): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      due.cancelled = true;
      this.current = Math.max(this.current, due.at);
      due.fn();
      await settle();
    }
    this.current = target;
  }

  /** Moves time without firing anything: the process that owned the timers is down. */
  skip(ms: number): void {
    this.current += ms;
  }

  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}

/** Lets promise chains and setImmediate work started by a timer or a call finish. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
