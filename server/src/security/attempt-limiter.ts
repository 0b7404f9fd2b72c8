import type { Clock } from '@trygg/protocol';

/**
 * Failed-attempt lockout with growing delays, on an injected clock. Shared by HTTP logins and
 * MQTT CONNECTs. @fastify/rate-limit counts requests, not failures, and cannot refuse the right
 * password during a lockout; this counts only failures and does.
 */
export interface LockoutPolicy {
  /** Failures allowed before the first lockout (typos must not lock anyone out). */
  freeFailures: number;
  /** Lockout after the first failure beyond the free ones; doubles with each further failure. */
  baseDelayMs: number;
  /** Longest single lockout. */
  maxDelayMs: number;
  /** Failures are forgotten this long after the last one (when no lockout runs). */
  forgetAfterMs: number;
}

export interface LockoutState {
  key: string;
  failures: number;
  /** Epoch ms; in the past when the key is not locked now. */
  lockedUntil: number;
}

interface Entry {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
}

/** Bounded: a flood of invented usernames evicts the oldest entries instead of growing the heap. */
const DEFAULT_MAX_KEYS = 20_000;

export class AttemptLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly policy: LockoutPolicy,
    private readonly maxKeys = DEFAULT_MAX_KEYS,
  ) {}

  /** Milliseconds the key is still locked for; 0 when an attempt may be made. */
  lockedFor(key: string): number {
    const entry = this.current(key);
    return entry ? Math.max(0, entry.lockedUntil - this.clock.now()) : 0;
  }

  /** Records a failure; returns the lockout it started (0: still within the free failures). */
  fail(key: string): number {
    const now = this.clock.now();
    const entry = this.current(key) ?? { failures: 0, lastFailureAt: now, lockedUntil: 0 };
    entry.failures += 1;
    entry.lastFailureAt = now;
    const beyond = entry.failures - this.policy.freeFailures;
    if (beyond > 0) {
      // 2^30 is far beyond any sane maxDelayMs; capping the exponent keeps the number finite.
      const delay = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** Math.min(beyond - 1, 30));
      entry.lockedUntil = Math.max(entry.lockedUntil, now + delay);
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value as string);
    return Math.max(0, entry.lockedUntil - now);
  }

  /** A success forgets the key's failures (an account, not an address: see login-guard.ts). */
  succeed(key: string): void {
    this.entries.delete(key);
  }

  /** Keys locked now, for the managers' list. */
  locked(prefix = ''): LockoutState[] {
    const now = this.clock.now();
    const out: LockoutState[] = [];
    for (const [key, entry] of this.entries) {
      if (key.startsWith(prefix) && entry.lockedUntil > now) out.push({ key, failures: entry.failures, lockedUntil: entry.lockedUntil });
    }
    return out;
  }

  state(key: string): LockoutState | undefined {
    const entry = this.current(key);
    return entry ? { key, failures: entry.failures, lockedUntil: entry.lockedUntil } : undefined;
  }

  private current(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const now = this.clock.now();
    if (entry.lockedUntil <= now && now - entry.lastFailureAt >= this.policy.forgetAfterMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
