import { setMaxListeners } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '@trygg/protocol';
import type { Logger } from 'pino';
import type { NewNotification, NotificationStore, StoredNotification } from './notification-store';
import type { Notifier, NotificationPurpose, NotificationSubject, Recipient, SendResult } from './notifier';
import { dedupStage } from './stages/dedup';
import { orderStage } from './stages/order';
import { rateLimitStage, type RateLimitOptions } from './stages/rate-limit';
import { recordStage } from './stages/record';
import { backoffDelay, DEFAULT_ATTEMPT_TIMEOUT_MS, retryStage, type RetryPolicy } from './stages/retry';
import { outcomeOf, pipeline, type Outcome, type Stage } from './stages/stage';

/** One notification the alarm engine wants sent. */
export interface NotificationRequest {
  /**
   * Deduplication key: a second request with a stored key is ignored. Default
   * `${alarmId}:${step}:${channel}:${recipient.id}` — never the same person twice on one channel
   * for one step. Required when there is no alarm (e.g. a link test).
   */
  dedupeKey?: string;
  /** Default `subject.alarmId`. */
  alarmId?: string;
  /** The escalation step (its index, or a name such as 'restore' or 'evacuation'). */
  step?: number | string;
  channel: string;
  /** Which party/configuration of the channel (e.g. which SMS provider or ARC). */
  target: string;
  purpose: NotificationPurpose;
  subject: NotificationSubject;
  recipient: Recipient;
}

export interface DispatchReceipt {
  id: string;
  dedupeKey: string;
  /** False: an earlier request with the same key was stored; nothing new is sent. */
  created: boolean;
  state: StoredNotification['state'];
}

export type DeliveredResult = Extract<SendResult, { ok: true }>;

export interface DispatcherOptions {
  store: NotificationStore;
  /** channel -> notifier. A notification for a channel without one fails permanently (and escalates). */
  notifiers: ReadonlyMap<string, Notifier>;
  clock: Clock;
  logger: Logger;
  /**
   * A notification failed for good (permanent error, or out of attempts): escalate. Called once
   * per notification; if it throws, or the process dies before the store notes it was called,
   * it is called again (later, or at `resume()`).
   */
  onPermanentFailure(notification: StoredNotification, error: string): void | Promise<void>;
  onDelivered?(notification: StoredNotification, result: DeliveredResult): void | Promise<void>;
  retry: RetryPolicy;
  rateLimit?: RateLimitOptions;
  /** Per attempt, default 10 s. */
  timeoutMs?: number;
  /** For backoff jitter; default Math.random. */
  random?: () => number;
  newId?: () => string;
}

/**
 * Sends notifications through `dedup -> order -> rate-limit -> retry -> record` (stages/). Every
 * notification is committed to the store before its first attempt; each attempt is claimed in the
 * store before the notifier is called; outcomes are recorded; recoverable failures are retried on
 * the clock with exponential backoff and jitter; a permanent failure escalates through
 * `onPermanentFailure`. Delivery is at-least-once: providers get the notification id as the
 * idempotency key.
 */
export class NotificationDispatcher {
  private readonly stage: Stage;
  private readonly timers = new Map<string, TimerHandle>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly rerun = new Set<string>();
  /** Notifications waiting for an earlier one (key) for the same alarm and party to finish. */
  private readonly waiters = new Map<string, Set<string>>();
  private readonly reportTimers = new Map<string, TimerHandle>();
  private readonly repairs = new Map<string, number>();
  private readonly reports = new Set<Promise<void>>();
  private stopped = false;
  private dispatched = false;
  private readonly shutdown = createShutdownController();

  constructor(private readonly options: DispatcherOptions) {
    const { store, clock } = options;
    this.stage = pipeline('notify', [
      dedupStage({ store, clock }),
      orderStage({ store }),
      ...(options.rateLimit ? [rateLimitStage({ clock, ...options.rateLimit })] : []),
      retryStage({
        store, clock, notifiers: options.notifiers, policy: options.retry,
        timeoutMs: options.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS, random: options.random ?? Math.random,
        shutdown: this.shutdown.signal,
      }),
      recordStage({ store, clock }),
    ]);
  }

  /**
   * Stores the requests (one transaction, committed before anything is sent), then starts
   * sending the new ones; resolves once stored, not once sent. Throws before storing anything
   * if a request has neither `dedupeKey` nor an alarm id and step.
   */
  async dispatch(requests: NotificationRequest[]): Promise<DispatchReceipt[]> {
    const now = this.options.clock.now();
    const rows = requests.map((r) => this.toNew(r, now));
    this.dispatched = true;
    const results = await this.options.store.enqueue(rows);
    const created = results.filter((r) => r.created);
    this.options.logger.info({ requested: rows.length, created: created.length }, 'notifications stored');
    if (this.stopped) this.options.logger.warn({ count: created.length }, 'dispatcher stopped: stored notifications wait for resume()');
    for (const r of created) this.run(r.notification.id);
    return results.map(({ notification: n, created }) => ({ id: n.id, dedupeKey: n.dedupeKey, created, state: n.state }));
  }

  /**
   * After a restart, before the first `dispatch()`: notifications left 'sending' by the crash
   * become pending (sent again — at-least-once), every pending one is re-armed for its due
   * time, and failures whose escalation was not confirmed are escalated.
   */
  async resume(): Promise<{ interrupted: number; pending: number; unreported: number }> {
    const { store, clock, logger } = this.options;
    // Recovering 'sending' rows while this process sends some would send those twice.
    if (this.dispatched) throw new Error('NotificationDispatcher.resume() must be called before the first dispatch()');
    const interrupted = await store.recoverInterrupted(clock.now());
    const pending = await store.pending();
    for (const n of pending) this.arm(n.id, n.nextAttemptAt ?? clock.now());
    const unreported = await store.unreportedFailures();
    for (const n of unreported) this.track(this.reportFailure(n, n.lastError ?? 'failed'));
    logger.info({ interrupted, pending: pending.length, unreported: unreported.length }, 'notifications resumed');
    return { interrupted, pending: pending.length, unreported: unreported.length };
  }

  /** Resolves when no delivery or escalation is in flight (armed timers may remain). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.reports.size > 0) {
      await Promise.allSettled([...this.running.values(), ...this.reports]);
    }
  }

  /**
   * Cancels timers, aborts attempts in flight (recorded as recoverable failures) and waits until
   * they are recorded. Pending notifications stay stored for `resume()` at the next start.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.shutdown.abort();
    for (const t of [...this.timers.values(), ...this.reportTimers.values()]) t.cancel();
    this.timers.clear();
    this.reportTimers.clear();
    await this.idle();
  }

  private toNew(r: NotificationRequest, now: number): NewNotification {
    const alarmId = r.alarmId ?? r.subject.alarmId;
    if (r.dedupeKey === undefined && (alarmId === undefined || r.step === undefined)) {
      throw new Error(`notification for ${r.channel}/${r.recipient.id} needs a dedupeKey or an alarm id and step`);
    }
    return {
      id: this.options.newId?.() ?? randomUUID(),
      dedupeKey: r.dedupeKey ?? `${alarmId}:${r.step}:${r.channel}:${r.recipient.id}`,
      channel: r.channel, target: r.target, purpose: r.purpose, subject: r.subject, recipient: r.recipient,
      ...(alarmId !== undefined && { alarmId }),
      createdAt: new Date(now).toISOString(),
      nextAttemptAt: now,
    };
  }

  /** At most one delivery per notification at a time (dedup relies on it). */
  private run(id: string): void {
    if (this.stopped) return;
    if (this.running.has(id)) {
      this.rerun.add(id);
      return;
    }
    this.cancelTimer(id);
    const task = this.deliver(id).finally(() => {
      this.running.delete(id);
      if (this.rerun.delete(id)) this.run(id);
      this.wake(id);
    });
    this.running.set(id, task);
  }

  private async deliver(id: string): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = outcomeOf(await this.stage.exec({ id }));
      this.repairs.delete(id);
    } catch (err) {
      // The store failed mid-run. The row may be stuck in 'sending': dedup takes it up again.
      const failures = (this.repairs.get(id) ?? 0) + 1;
      this.repairs.set(id, failures);
      this.options.logger.error({ err, notificationId: id }, 'notification delivery run failed; trying again');
      this.arm(id, this.options.clock.now() + backoffDelay(failures, this.options.retry, this.options.random ?? Math.random));
      return;
    }
    await this.settle(id, outcome);
  }

  private async settle(id: string, outcome: Outcome): Promise<void> {
    const { logger } = this.options;
    switch (outcome.kind) {
      case 'delivered': {
        const n = outcome.notification;
        logger.info({ ...logFields(n), providerRef: outcome.result.providerRef }, 'notification delivered');
        try {
          await this.options.onDelivered?.(n, outcome.result);
        } catch (err) {
          logger.error({ err, notificationId: n.id }, 'onDelivered failed');
        }
        return;
      }
      case 'retry':
        logger.warn({ ...logFields(outcome.notification), error: outcome.error, retryAt: outcome.at }, 'notification failed; will retry');
        this.arm(outcome.notification.id, outcome.at);
        return;
      case 'failed':
        logger.error({ ...logFields(outcome.notification), error: outcome.error }, 'notification failed permanently; escalating');
        await this.reportFailure(outcome.notification, outcome.error);
        return;
      case 'deferred':
        logger.debug({ notificationId: id, reason: outcome.reason, at: outcome.at }, 'notification deferred');
        this.arm(id, outcome.at);
        return;
      case 'waiting': {
        logger.debug({ notificationId: id, after: outcome.after, reason: outcome.reason }, 'notification waits for an earlier one');
        let set = this.waiters.get(outcome.after);
        if (!set) this.waiters.set(outcome.after, (set = new Set()));
        set.add(id);
        // Woken when the earlier one's run ends (wake()); the timer only guards against a wake
        // that cannot come (the earlier one is not scheduled in this process).
        this.arm(id, this.options.clock.now() + WAIT_RECHECK_MS);
        return;
      }
      case 'skipped':
        logger.debug({ notificationId: id, reason: outcome.reason }, 'notification run skipped');
    }
  }

  /** A run of `id` ended: whatever waited for it checks again (it goes, or waits on). */
  private wake(id: string): void {
    const set = this.waiters.get(id);
    if (!set) return;
    this.waiters.delete(id);
    for (const waiting of set) this.run(waiting);
  }

  private arm(id: string, at: number): void {
    if (this.stopped) return;
    this.cancelTimer(id);
    const delay = at - this.options.clock.now();
    if (delay <= 0) {
      this.run(id);
      return;
    }
    this.timers.set(id, this.options.clock.setTimer(delay, () => {
      this.timers.delete(id);
      this.run(id);
    }));
  }

  private track(task: Promise<void>): void {
    const tracked = task.finally(() => this.reports.delete(tracked));
    this.reports.add(tracked);
  }

  private cancelTimer(id: string): void {
    this.timers.get(id)?.cancel();
    this.timers.delete(id);
  }

  /** Escalates a failure; if that throws, escalates again later (a failure must never be swallowed). */
  private async reportFailure(n: StoredNotification, error: string, tries = 1): Promise<void> {
    const { store, clock, logger, retry } = this.options;
    try {
      await this.options.onPermanentFailure(n, error);
      await store.markFailureReported(n.id, clock.now());
    } catch (err) {
      logger.error({ err, notificationId: n.id }, 'escalating a failed notification failed; trying again');
      if (this.stopped) return;
      const delay = backoffDelay(tries, retry, this.options.random ?? Math.random);
      this.reportTimers.set(n.id, clock.setTimer(delay, () => {
        this.reportTimers.delete(n.id);
        this.track(this.reportFailure(n, error, tries + 1));
      }));
    }
  }
}

/** How often a message waiting for an earlier one checks again, if no wake-up came first. */
const WAIT_RECHECK_MS = 5000;

/** What is logged about a notification: ids and routing, never contact details or secrets. */
function logFields(n: StoredNotification) {
  return { notificationId: n.id, channel: n.channel, target: n.target, recipientId: n.recipient.id, alarmId: n.alarmId, attempt: n.attempts };
}

/** Every send in flight listens for shutdown; an evacuation puts hundreds in flight at once. */
function createShutdownController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
