import type { Clock, TimerHandle } from '@trygg/protocol';
import type { Logger } from 'pino';

/**
 * Keyed one-shot timers on the injected Clock, whose tasks are async: one timer per key (a new
 * one replaces the old), overdue ones run at once, and `stop()` waits for running tasks so the
 * store is never closed under them. The deadlines themselves live in the store; these timers
 * are only the wake-up calls, rebuilt from it after a restart.
 */
export class TaskTimers {
  private readonly timers = new Map<string, TimerHandle>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly clock: Clock, private readonly logger: Logger) {}

  at(key: string, at: number, task: () => Promise<void>): void {
    this.cancel(key);
    if (this.stopped) return;
    const handle = this.clock.setTimer(Math.max(0, at - this.clock.now()), () => {
      if (this.timers.get(key) === handle) this.timers.delete(key);
      void this.track(key, task);
    });
    this.timers.set(key, handle);
  }

  cancel(key: string): void {
    this.timers.get(key)?.cancel();
    this.timers.delete(key);
  }

  /** Resolves once no task is running (tasks started meanwhile included). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const handle of this.timers.values()) handle.cancel();
    this.timers.clear();
    await this.idle();
  }

  private track(key: string, task: () => Promise<void>): Promise<void> {
    const run = task()
      .catch((err: unknown) => this.logger.error({ err, key }, 'lone-work timer task failed'))
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return run;
  }
}
