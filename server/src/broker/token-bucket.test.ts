import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket';
import { LogThrottle } from './log-throttle';
import { publishLimitFromEnv } from './publish-rate-limit';

describe('TokenBucket', () => {
  it('allows a burst, then the sustained rate, and never more than the burst after a pause', () => {
    const b = new TokenBucket(2, 3, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect([b.take(500), b.take(500)]).toEqual([true, false]);
    expect(b.full(10_000)).toBe(true);
    expect([1, 2, 3, 4].map(() => b.take(10_000))).toEqual([true, true, true, false]);
  });

  it('neither mints tokens nor freezes when the clock steps back', () => {
    const b = new TokenBucket(1, 1, 10_000);
    expect(b.take(10_000)).toBe(true);
    expect(b.take(5_000)).toBe(false);
    expect(b.take(11_000)).toBe(true);
  });
});

describe('LogThrottle', () => {
  it('lets the first of a key through per interval and reports how many it kept quiet', () => {
    let now = 0;
    const t = new LogThrottle({ now: () => now, setTimer: () => ({ cancel() {} }) }, 1000, 2);
    expect(t.admit('a')).toEqual({ suppressed: 0 });
    expect(t.admit('a')).toBeUndefined();
    expect(t.admit('a')).toBeUndefined();
    expect(t.admit('b')).toEqual({ suppressed: 0 });
    now = 1000;
    expect(t.admit('a')).toEqual({ suppressed: 2 });
    expect(t.admit('c')).toEqual({ suppressed: 0 }); // evicts the oldest key, bounded at 2
  });
});

describe('TRYGG_BROKER_PUBLISH_LIMIT', () => {
  it('reads off, a rate, or a rate and burst, and refuses anything else', () => {
    expect(publishLimitFromEnv({})).toBeUndefined();
    expect(publishLimitFromEnv({ TRYGG_BROKER_PUBLISH_LIMIT: 'off' })).toEqual({ perSecond: 0, burst: 0 });
    expect(publishLimitFromEnv({ TRYGG_BROKER_PUBLISH_LIMIT: '50' })).toEqual({ perSecond: 50, burst: 100 });
    expect(publishLimitFromEnv({ TRYGG_BROKER_PUBLISH_LIMIT: '50/500' })).toEqual({ perSecond: 50, burst: 500 });
    for (const bad of ['0', '-1', 'fast', '5/x', '1.5']) {
      expect(() => publishLimitFromEnv({ TRYGG_BROKER_PUBLISH_LIMIT: bad })).toThrow(/TRYGG_BROKER_PUBLISH_LIMIT/);
    }
  });
});
