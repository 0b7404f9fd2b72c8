import { FakeClock } from '@trygg/protocol';
import { describe, expect, it } from 'vitest';
import { LogLimiter } from './log-limiter';

describe('LogLimiter', () => {
  it('logs a key once per interval, spends a budget of keys, and sums up what went unlogged', () => {
    const clock = new FakeClock();
    const summaries: number[] = [];
    const limiter = new LogLimiter({ clock, intervalMs: 60_000, maxKeysPerInterval: 2, onIntervalEnd: (n) => summaries.push(n) });
    expect(limiter.check('a')).toBe('log');
    expect(limiter.check('a')).toBe('repeat');
    expect(limiter.check('b')).toBe('log');
    expect(limiter.check('c')).toBe('budget-spent');
    expect(limiter.check('d')).toBe('quiet');
    expect(limiter.check('a')).toBe('repeat');
    clock.advance(59_999);
    expect(limiter.check('a')).toBe('repeat');
    expect(summaries).toEqual([]);
    clock.advance(1);
    expect(limiter.check('a')).toBe('log');
    expect(summaries).toEqual([5]);
    expect(limiter.check('c')).toBe('log');
    expect(limiter.check('e')).toBe('budget-spent');
  });
});
