/**
 * A token bucket on an injected clock: `burst` tokens, refilled at `perSecond`. Tiny on purpose:
 * the npm `limiter` package reads wall time itself (tests would have to wait real time) and
 * nothing more is needed than take-one-or-refuse.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.at = now;
  }

  /** Takes one token if there is one; false means over the rate. */
  take(now: number): boolean {
    // A clock stepping backwards (NTP) must not mint tokens or freeze the bucket.
    const elapsed = Math.max(0, now - this.at);
    this.at = Math.max(this.at, now);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSecond) / 1000);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True once refilled to the brim: the bucket carries no state worth keeping. */
  full(now: number): boolean {
    return this.tokens + (Math.max(0, now - this.at) * this.perSecond) / 1000 >= this.burst;
  }
}
