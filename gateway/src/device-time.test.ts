import { describe, expect, it } from 'vitest';
import { judgeDeviceTime, MAX_DEVICE_CLOCK_AHEAD_MS, MAX_DEVICE_CLOCK_BEHIND_MS } from './device-time';

const NOW = Date.parse('2026-03-04T09:15:00.000Z');
const RECEIVED = '2026-03-04T09:15:00.000Z';

describe('judgeDeviceTime', () => {
  it('keeps a believable device time as given, offset included', () => {
    expect(judgeDeviceTime('2026-03-04T10:14:00+01:00', NOW)).toEqual({ at: '2026-03-04T10:14:00+01:00' });
    expect(judgeDeviceTime(new Date(NOW - MAX_DEVICE_CLOCK_BEHIND_MS).toISOString(), NOW).problem).toBeUndefined();
    expect(judgeDeviceTime(new Date(NOW + MAX_DEVICE_CLOCK_AHEAD_MS).toISOString(), NOW).problem).toBeUndefined();
  });

  it('uses the receive time when the device sent none, without calling it a problem', () => {
    expect(judgeDeviceTime(undefined, NOW)).toEqual({ at: RECEIVED });
  });

  it('replaces a Zigbee2MQTT last_seen in microseconds (a six-digit year Date accepts, the protocol does not)', () => {
    const micro = new Date(1772615700000000).toISOString(); // what the tracker makes of microseconds
    expect(micro).toMatch(/^\+0[0-9]{5}-/);
    expect(judgeDeviceTime(micro, NOW)).toEqual({ at: RECEIVED, problem: 'out-of-range', given: micro });
  });

  it('replaces a year past 9999, written either way', () => {
    expect(judgeDeviceTime('10000-01-01T00:00:00Z', NOW)).toMatchObject({ at: RECEIVED, problem: 'unparseable' });
    expect(judgeDeviceTime('+010000-01-01T00:00:00.000Z', NOW)).toMatchObject({ at: RECEIVED, problem: 'out-of-range' });
  });

  it('replaces garbage, a missing zone, and clocks too far ahead or behind', () => {
    expect(judgeDeviceTime('yesterday', NOW)).toMatchObject({ at: RECEIVED, problem: 'unparseable' });
    expect(judgeDeviceTime(1772615700000 as unknown, NOW)).toMatchObject({ at: RECEIVED, problem: 'unparseable', given: '1772615700000' });
    expect(judgeDeviceTime('2026-03-04T09:15:00', NOW)).toMatchObject({ at: RECEIVED, problem: 'out-of-range' });
    expect(judgeDeviceTime(new Date(NOW + MAX_DEVICE_CLOCK_AHEAD_MS + 1).toISOString(), NOW)).toMatchObject({ problem: 'ahead' });
    expect(judgeDeviceTime(new Date(NOW - MAX_DEVICE_CLOCK_BEHIND_MS - 1).toISOString(), NOW)).toMatchObject({ problem: 'behind' });
    // An unset RTC, and epoch seconds taken for milliseconds.
    expect(judgeDeviceTime('1970-01-01T00:00:05.000Z', NOW)).toMatchObject({ at: RECEIVED, problem: 'behind' });
    expect(judgeDeviceTime(new Date(1772615700).toISOString(), NOW)).toMatchObject({ at: RECEIVED, problem: 'behind' });
  });
});
