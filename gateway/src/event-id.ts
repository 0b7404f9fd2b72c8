import { createHash } from 'node:crypto';

/** The protocol's eventIdSchema allows at most 128 characters. */
const MAX_EVENT_ID_LENGTH = 128;

/**
 * The eventId of a device message. Deterministic, so a device that re-sends the same message
 * (same msgId, e.g. after a lost PUBACK) yields the same eventId and the outbox and the server
 * both fold it into one event instead of raising a second alarm.
 *
 * A 64-character device id plus a 128-character msgId would exceed the schema limit; then the
 * msgId part is replaced by a hash of it, which stays deterministic.
 */
export function eventIdFor(deviceId: string, msgId: string): string {
  const plain = `${deviceId}-${msgId}`;
  if (plain.length <= MAX_EVENT_ID_LENGTH) return plain;
  const digest = createHash('sha256').update(msgId).digest('hex').slice(0, 48);
  return `${deviceId}-h.${digest}`;
}
