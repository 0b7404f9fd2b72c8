import type { Clock, TimerHandle } from '@trygg/protocol';
import type { Logger } from 'pino';
import type { Alarm } from '../alarm/alarm-types';
import { isOpen } from '../alarm/state-rank';

/**
 * Keeps one timer per open alarm for its next escalation deadline. The deadline itself lives in
 * the store (alarm.nextStepDueAt), so a restarted server calls `resume` and every overdue step
 * fires at once. A timer that fires late or for a changed alarm is harmless: the engine ignores
 * an `escalate` that is not due.
 */
export class EscalationScheduler {
  private readonly timers = new Map<string, { dueAt: number; handle: TimerHandle }>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly fire: (alarmId: string) => Promise<void>,
    private readonly logger: Logger,
    private readonly retryMs = 1000,
  ) {}

  /** Aligns the timer with the alarm's stored deadline (schedules, moves or cancels it). */
  sync(alarm: Alarm): void {
    const due = isOpen(alarm.state) ? alarm.nextStepDueAt : null;
    const existing = this.timers.get(alarm.id);
    if (existing && existing.dueAt === due) return;
    existing?.handle.cancel();
    this.timers.delete(alarm.id);
    if (due !== null && !this.stopped) this.arm(alarm.id, due, due - this.clock.now());
  }

  resume(alarms: Alarm[]): void {
    for (const alarm of alarms) this.sync(alarm);
  }

  pending(): number {
    return this.timers.size;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) t.handle.cancel();
    this.timers.clear();
  }

  private arm(alarmId: string, dueAt: number, delayMs: number): void {
    const handle = this.clock.setTimer(Math.max(0, delayMs), () => {
      if (this.timers.get(alarmId)?.handle !== handle) return;
      this.timers.delete(alarmId);
      this.fire(alarmId).catch((err: unknown) => {
        // An escalation must never be dropped: log and try again shortly.
        this.logger.error({ err, alarmId }, 'escalation step failed; retrying');
        if (!this.stopped && !this.timers.has(alarmId)) this.arm(alarmId, dueAt, this.retryMs);
      });
    });
    this.timers.set(alarmId, { dueAt, handle });
  }
}
