import { describe, expect, it } from 'vitest';
import { iso } from './iso-time';

describe('iso', () => {
  it('writes milliseconds since the epoch as ISO 8601 in UTC', () => {
    expect(iso(Date.UTC(2025, 2, 4, 9, 15, 0, 120))).toBe('2025-03-04T09:15:00.120Z');
    expect(iso(0)).toBe('1970-01-01T00:00:00.000Z');
  });

  it('keeps a missing time missing, as it came', () => {
    expect(iso(null)).toBeNull();
    expect(iso(undefined)).toBeUndefined();
    expect(JSON.stringify({ at: iso(undefined as number | undefined), closedAt: iso(null as number | null) })).toBe('{"closedAt":null}');
  });
});
