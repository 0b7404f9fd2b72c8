import type { Clock } from '@trygg/protocol';

/**
 * "Log once per key per interval": the first occurrence in an interval is logged, the rest are
 * counted and reported with the next logged one, so a flood is visible without flooding the log.
 */
export class LogThrottle {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(private readonly clock: Clock, private readonly intervalMs: number, private readonly maxKeys = 10_000) {}

  /** `undefined`: stay quiet; otherwise log now, mentioning how many were kept quiet since. */
  admit(key: string): { suppressed: number } | undefined {
    const now = this.clock.now();
    const entry = this.last.get(key);
    if (entry && now - entry.at < this.intervalMs) {
      entry.suppressed++;
      return undefined;
    }
    this.last.delete(key);
    // Insertion order is age order: bounded so a flood of distinct keys cannot grow the map.
    if (this.last.size >= this.maxKeys) this.last.delete(this.last.keys().next().value as string);
    this.last.set(key, { at: now, suppressed: 0 });
    return { suppressed: entry?.suppressed ?? 0 };
  }
}
