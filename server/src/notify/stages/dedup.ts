import type { Clock } from '@trygg/protocol';
import type { NotificationStore } from '../notification-store';
import type { Stage } from './stage';

/**
 * Dedup: a run goes ahead only for a notification that is still to be sent. The dedupe key
 * stopped a second notification for the same person and step at enqueue; this stops a second
 * send of the same notification (a delivered or failed row, a duplicate timer, a run that came
 * early). The dispatcher runs at most one delivery per notification at a time, so a 'sending' row
 * seen here is left from a crash or a failed write and goes ahead: at-least-once, never dropped.
 */
export function dedupStage(deps: { store: NotificationStore; clock: Clock }): Stage {
  return {
    name: 'dedup',
    async exec(delivery) {
      const n = await deps.store.get(delivery.id);
      if (!n) return { done: { kind: 'skipped', reason: 'unknown notification' } };
      if (n.state === 'delivered' || n.state === 'failed') return { done: { kind: 'skipped', reason: `already ${n.state}` } };
      if (n.state === 'pending' && n.nextAttemptAt !== null && n.nextAttemptAt > deps.clock.now()) {
        return { done: { kind: 'deferred', at: n.nextAttemptAt, reason: 'not due yet' } };
      }
      return { next: { ...delivery, notification: n } };
    },
  };
}
