import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids';

describe('RecentIds', () => {
  it('accepts an id once', () => {
    const ids = new RecentIds(10);
    expect(ids.add('c1')).toBe(true);
    expect(ids.add('c1')).toBe(false);
  });

  it('forgets the oldest ids beyond its capacity', () => {
    const ids = new RecentIds(2);
    ids.add('c1');
    ids.add('c2');
    ids.add('c3');
    expect(ids.size).toBe(2);
    expect(ids.has('c1')).toBe(false);
    expect(ids.add('c3')).toBe(false);
  });

  it('lets a deleted id through again', () => {
    const ids = new RecentIds(10);
    ids.add('c1');
    ids.delete('c1');
    expect(ids.add('c1')).toBe(true);
  });
});
