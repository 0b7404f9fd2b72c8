import type { Clock } from '@trygg/protocol';

/**
 * A store for @fastify/rate-limit on the server's Clock. The plugin's LocalStore reads Date.now()
 * itself, so a test of a window's end would have to wait it out; this one is the same fixed
 * window (count, and the time left of the window) on injected time, bounded like LocalStore.
 */
type Callback = (err: Error | null, result: { current: number; ttl: number }) => void;

interface Window {
  current: number;
  startedAt: number;
}

const MAX_KEYS = 20_000;

export function clockRateStore(clock: Clock) {
  return class ClockRateStore {
    private readonly windows = new Map<string, Window>();

    incr(key: string, cb: Callback, timeWindow: number): void {
      const now = clock.now();
      let w = this.windows.get(key);
      if (!w || w.startedAt + timeWindow <= now) {
        w = { current: 0, startedAt: now };
        this.windows.delete(key);
      }
      w.current += 1;
      this.windows.set(key, w);
      if (this.windows.size > MAX_KEYS) this.windows.delete(this.windows.keys().next().value as string);
      cb(null, { current: w.current, ttl: w.startedAt + timeWindow - now });
    }

    read(key: string, cb: Callback, timeWindow: number): void {
      const now = clock.now();
      const w = this.windows.get(key);
      if (!w || w.startedAt + timeWindow <= now) return cb(null, { current: 0, ttl: 0 });
      cb(null, { current: w.current, ttl: w.startedAt + timeWindow - now });
    }

    /** Each limiter made with createRateLimit() gets its own counts. */
    child(): ClockRateStore {
      return new ClockRateStore();
    }
  };
}
