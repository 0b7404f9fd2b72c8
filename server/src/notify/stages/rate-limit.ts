import type { Clock } from '@trygg/protocol';
import type { StoredNotification } from '../notification-store';
import type { Stage } from './stage';

const WINDOW_MS = 60_000;

export interface RateLimitOptions {
  perTargetPerMinute: number;
  /** What is limited; default the channel's target (the provider or party, e.g. an SMS gateway's quota). */
  key?: (n: StoredNotification) => string;
}

/**
 * Rate limit over a sliding minute per key. Over the limit a notification is deferred to when a
 * slot frees, never dropped, and the deferral does not count as an attempt. In memory: a
 * restart starts with empty windows.
 */
export function rateLimitStage(deps: { clock: Clock } & RateLimitOptions): Stage {
  const limit = Math.max(1, Math.floor(deps.perTargetPerMinute));
  const keyOf = deps.key ?? ((n: StoredNotification) => `${n.channel}:${n.target}`);
  const windows = new Map<string, number[]>();
  return {
    name: 'rate-limit',
    async exec(delivery) {
      const n = delivery.notification;
      if (!n) return { next: delivery };
      const now = deps.clock.now();
      const key = keyOf(n);
      const sent = (windows.get(key) ?? []).filter((at) => at > now - WINDOW_MS);
      if (sent.length >= limit) {
        windows.set(key, sent);
        return { done: { kind: 'deferred', at: sent[sent.length - limit]! + WINDOW_MS, reason: `rate limit ${limit}/min for ${key}` } };
      }
      sent.push(now);
      windows.set(key, sent);
      return { next: delivery };
    },
  };
}
