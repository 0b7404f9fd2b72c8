import type { Clock } from '@trygg/protocol';
import type { NotificationStore, StoredNotification } from '../notification-store';
import type { Notification, Notifier, SendResult } from '../notifier';
import type { Stage } from './stage';

export interface RetryPolicy {
  /** Delay after the first failed attempt; doubles each attempt. */
  baseMs: number;
  /** Cap of the delay. */
  maxMs: number;
  /** Attempts in all; a recoverable failure of the last one is a permanent failure. */
  maxAttempts: number;
  /** Spread as a fraction of the delay, default 0.2 (±20 %), so retries to one provider do not bunch. */
  jitter?: number;
}

export const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;

/** Delay before attempt `failedAttempt + 1`: min(maxMs, baseMs·2^(n-1)) ± jitter. `random()` in [0, 1). */
export function backoffDelay(failedAttempt: number, policy: RetryPolicy, random: () => number): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failedAttempt - 1));
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? 0.2));
  return Math.max(0, Math.round(exponential * (1 - jitter + 2 * jitter * random())));
}

/**
 * Retry: claims the notification for one attempt (pending -> sending, attempt counted, committed
 * before the send), sends it with a per-attempt timeout, and classifies the answer. A notifier
 * that throws, answers nonsense or overruns its timeout counts as a recoverable failure: the
 * attempt may still have reached the provider, so the retry carries the same idempotency key
 * (the notification id) — at-least-once.
 */
export function retryStage(deps: {
  store: NotificationStore;
  notifiers: ReadonlyMap<string, Notifier>;
  clock: Clock;
  policy: RetryPolicy;
  timeoutMs: number;
  random: () => number;
  /** Aborts attempts in flight when the dispatcher stops. */
  shutdown?: AbortSignal;
}): Stage {
  return {
    name: 'retry',
    async exec(delivery) {
      const stale = delivery.notification?.state === 'sending';
      const n = await deps.store.claim(delivery.id, deps.clock.now(), { reclaim: stale });
      if (!n) return { done: { kind: 'skipped', reason: 'claimed elsewhere or finished' } };
      const notifier = deps.notifiers.get(n.channel);
      const notification = toNotification(n, n.purpose === 'restore' ? await earlierOf(deps.store, n) : undefined);
      // A notifier that fails over inside one send (DC-09 primary -> secondary) gets its whole plan.
      const timeoutMs = Math.max(deps.timeoutMs, notifier?.attemptBudgetMs?.(notification) ?? 0);
      const result: SendResult = notifier
        ? await sendWithTimeout(notifier, notification, timeoutMs, deps.clock, deps.shutdown)
        : { ok: false, recoverable: false, error: `no notifier for channel "${n.channel}"` };
      if (result.ok) return { next: { ...delivery, notification: n, outcome: { kind: 'delivered', notification: n, result } } };
      if (result.recoverable && n.attempts < deps.policy.maxAttempts) {
        const at = deps.clock.now() + backoffDelay(n.attempts, deps.policy, deps.random);
        return { next: { ...delivery, notification: n, outcome: { kind: 'retry', notification: n, at, error: result.error } } };
      }
      const error = result.recoverable ? `gave up after ${n.attempts} attempts: ${result.error}` : result.error;
      return { next: { ...delivery, notification: n, outcome: { kind: 'failed', notification: n, error, recoverable: result.recoverable } } };
    },
  };
}

export function toNotification(n: StoredNotification, earlier?: Notification['earlier']): Notification {
  return {
    id: n.id, channel: n.channel, purpose: n.purpose, subject: n.subject, recipient: n.recipient,
    target: n.target, createdAt: n.createdAt, attempt: n.attempts, ...(earlier?.length ? { earlier } : {}),
  };
}

/** What a restore clears: the alarm's earlier messages to the same recipient on the same channel and target. */
async function earlierOf(store: NotificationStore, n: StoredNotification): Promise<Notification['earlier']> {
  if (n.alarmId === undefined) return undefined;
  return (await store.listByAlarm(n.alarmId))
    .filter((e) => e.id !== n.id && e.purpose !== 'restore' && e.purpose !== 'link-test' && e.channel === n.channel && e.target === n.target && e.recipient.id === n.recipient.id)
    .map((e) => ({ id: e.id, createdAt: e.createdAt }));
}

/**
 * Sends, never throws, and gives up (aborting the notifier) after `timeoutMs` on the clock or
 * when `shutdown` aborts — without waiting for a notifier that ignores its signal.
 */
export async function sendWithTimeout(
  notifier: Notifier, n: Notification, timeoutMs: number, clock: Clock, shutdown?: AbortSignal,
): Promise<SendResult> {
  const controller = new AbortController();
  let timer: { cancel(): void } | undefined;
  let onShutdown: (() => void) | undefined;
  const timedOut = new Promise<SendResult>((resolve) => {
    const giveUp = (error: string) => {
      controller.abort(new Error(error));
      resolve({ ok: false, recoverable: true, error });
    };
    timer = clock.setTimer(timeoutMs, () => giveUp(`no answer within ${timeoutMs} ms`));
    onShutdown = () => giveUp('dispatcher stopped during the attempt');
    if (shutdown?.aborted) onShutdown();
    else shutdown?.addEventListener('abort', onShutdown, { once: true });
  });
  const sent = Promise.resolve()
    .then(() => notifier.send(n, controller.signal))
    .then(checked, (err: unknown): SendResult => ({
      // The thrown text may hold a secret: only its class is kept.
      ok: false, recoverable: true, error: `notifier "${notifier.channel}" threw ${err instanceof Error ? err.name : typeof err}`,
    }));
  try {
    return await Promise.race([sent, timedOut]);
  } finally {
    timer?.cancel();
    if (onShutdown) shutdown?.removeEventListener('abort', onShutdown);
  }
}

function checked(result: unknown): SendResult {
  if (result && typeof result === 'object' && 'ok' in result) {
    const r = result as SendResult;
    if (r.ok === true) return r;
    if (r.ok === false && typeof r.recoverable === 'boolean') return { ok: false, recoverable: r.recoverable, error: String(r.error || 'failed') };
  }
  return { ok: false, recoverable: true, error: 'notifier gave no valid result' };
}
