import type { NotificationStore } from '../notification-store';
import type { Stage } from './stage';

/**
 * Order: messages for one alarm to one party (same channel, target and recipient) go out in the
 * order they were stored. A restore waits until the alarm it clears has finished — delivered, or
 * failed for good — so a receiver that was down never gets the restore (`PH` / `3120`) before the
 * alarm and is never left in alarm after the office resolved it.
 *
 * An alarm still pending when its restore is due is sent first, then the restore; they are not
 * dropped together. The guards' record must show that an alarm happened (a duress alarm
 * resolved on site is still one), and a receiver that may have got the alarm without our seeing
 * its ACK must get the restore. A failed alarm does not hold the restore back for the same
 * reason: failed is "no ACK seen", not "not received".
 */
export function orderStage(deps: { store: NotificationStore }): Stage {
  return {
    name: 'order',
    async exec(delivery) {
      const n = delivery.notification;
      if (!n || n.alarmId === undefined) return { next: delivery };
      const earlier = await deps.store.earlierUnfinished(n);
      if (!earlier) return { next: delivery };
      return { done: { kind: 'waiting', after: earlier.id, reason: `after ${earlier.purpose} ${earlier.id} (${earlier.state})` } };
    },
  };
}
