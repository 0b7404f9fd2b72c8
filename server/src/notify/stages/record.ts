import type { Clock } from '@trygg/protocol';
import type { NotificationStore } from '../notification-store';
import type { Stage } from './stage';

/**
 * Record: writes the attempt's outcome (delivery receipt, next attempt, or failure) to the store.
 * The write is conditional on the attempt still being current, so a late or repeated run cannot
 * undo a newer state; such a run ends as 'skipped'.
 */
export function recordStage(deps: { store: NotificationStore; clock: Clock }): Stage {
  return {
    name: 'record',
    async exec(delivery) {
      const outcome = delivery.outcome;
      if (!outcome) return { done: { kind: 'skipped', reason: 'nothing to record' } };
      const now = deps.clock.now();
      let written = true;
      if (outcome.kind === 'delivered') {
        const { providerRef, providerRefs, detail } = outcome.result;
        written = await deps.store.markDelivered(outcome.notification.id, outcome.notification.attempts, { providerRef, providerRefs, detail }, now);
      } else if (outcome.kind === 'retry') {
        written = await deps.store.markRetry(outcome.notification.id, outcome.notification.attempts, outcome.error, outcome.at, now);
      } else if (outcome.kind === 'failed') {
        written = await deps.store.markFailed(outcome.notification.id, outcome.notification.attempts, outcome.error, outcome.recoverable, now);
      }
      if (!written) return { done: { kind: 'skipped', reason: 'attempt superseded' } };
      if (outcome.kind === 'skipped' || outcome.kind === 'deferred' || outcome.kind === 'waiting') return { done: outcome };
      // Callbacks get the row as now stored (state, provider ref, error).
      const notification = (await deps.store.get(delivery.id)) ?? outcome.notification;
      return { done: { ...outcome, notification } };
    },
  };
}
