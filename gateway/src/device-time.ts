import { createAjv, timestampSchema } from '@trygg/protocol';

/**
 * How far a device's clock may be from the gateway's before its time is not believed. Ahead:
 * nothing can have happened in the future, and 10 minutes leaves room for an unsynchronised RTC.
 * Behind: a press queued on a device or a retained Zigbee2MQTT payload replayed after a long
 * outage is genuinely old, so 30 days; an unset clock (1970, 2000) or a unit error (seconds or
 * microseconds taken for milliseconds) is off by years and caught either way.
 */
export const MAX_DEVICE_CLOCK_AHEAD_MS = 10 * 60_000;
export const MAX_DEVICE_CLOCK_BEHIND_MS = 30 * 24 * 3_600_000;

/** Why a device's time was replaced by the gateway's receive time. */
export type DeviceClockProblem = 'unparseable' | 'out-of-range' | 'ahead' | 'behind';

export type JudgedTime = { at: string; problem?: undefined } | { at: string; problem: DeviceClockProblem; given: string };

const isProtocolTimestamp = createAjv().compile(timestampSchema);

/**
 * The time to put on an event or heartbeat: the device's own when it is believable, else the
 * gateway's receive time `now`. A bad device clock never costs a press (the server would reject
 * the whole event for a timestamp outside the protocol's format).
 */
export function judgeDeviceTime(given: unknown, now: number): JudgedTime {
  const received = new Date(now).toISOString();
  if (given === undefined) return { at: received };
  const text = typeof given === 'string' ? given : String(given);
  const shown = text.slice(0, 64);
  const ms = typeof given === 'string' ? Date.parse(given) : Number.NaN;
  if (!Number.isFinite(ms)) return { at: received, problem: 'unparseable', given: shown };
  // A year past 9999, a six-digit year, a missing zone: parseable by Date, but not the protocol's date-time.
  if (!isProtocolTimestamp(text)) return { at: received, problem: 'out-of-range', given: shown };
  if (ms - now > MAX_DEVICE_CLOCK_AHEAD_MS) return { at: received, problem: 'ahead', given: shown };
  if (now - ms > MAX_DEVICE_CLOCK_BEHIND_MS) return { at: received, problem: 'behind', given: shown };
  return { at: text };
}
