import { readFileSync } from 'node:fs';
import { FakeClock, validateDeviceMessage, type DeviceMessage } from '@trygg/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { zigbeeConverterFor, type ZigbeePayload } from '../../converters/zigbee/zigbee-converters';
import { digestId, isoTime, ZigbeeDeviceTracker } from './zigbee-device-tracker';

const fixture = JSON.parse(
  readFileSync(new URL('../../converters/zigbee/fixtures/zigbee2mqtt-sos-payloads.simulated.json', import.meta.url), 'utf8'),
) as Record<string, ZigbeePayload[]>;

let clock: FakeClock;
let ids: number;

function tracker(friendlyName = 'office/sos 1', debounceMs?: number) {
  return new ZigbeeDeviceTracker({ friendlyName, clock, debounceMs, randomId: () => `r${++ids}` });
}

/** Feeds one payload as Zigbee2MQTT would publish it and returns the message types. */
function feed(t: ZigbeeDeviceTracker, model: string, payload: ZigbeePayload, retained = false): DeviceMessage[] {
  const reading = zigbeeConverterFor(model).convert(payload);
  const lastSeen = payload.last_seen as string | number | undefined;
  const { messages } = t.state(reading, { lastSeen, retained, payload: Buffer.from(JSON.stringify(payload)) });
  for (const m of messages) expect(validateDeviceMessage(m).ok, JSON.stringify(m)).toBe(true);
  return messages;
}

const types = (ms: DeviceMessage[]) => ms.map((m) => m.type);

beforeEach(() => {
  clock = new FakeClock();
  ids = 0;
});

describe('fixture sequences through converter and tracker', () => {
  // Each model's payloads in fixture order, as one device would publish them, 3 s apart.
  const sequences: Record<string, string[][]> = {
    TS0215A_sos: [['heartbeat'], ['press', 'heartbeat']],
    SEB01ZB: [['heartbeat'], ['press', 'heartbeat'], ['release', 'heartbeat']],
    PB206: [['press', 'heartbeat'], ['release', 'heartbeat']],
    'HS1EB/HS1EB-E': [['heartbeat'], ['press', 'heartbeat'], ['press', 'heartbeat'], ['press', 'heartbeat']],
    'MIR-SO100': [['heartbeat'], ['press', 'heartbeat'], ['press', 'heartbeat']],
    SE21: [['press', 'heartbeat'], ['press', 'heartbeat']],
  };

  for (const [model, payloads] of Object.entries(fixture)) {
    it(`${model}: presses, no-presses and battery`, () => {
      const t = tracker();
      const got = payloads.map((p) => {
        clock.advance(3000);
        return feed(t, model, p);
      });
      expect(got.map(types)).toEqual(sequences[model]);
      for (const [i, p] of payloads.entries()) {
        const hb = got[i]!.find((m) => m.type === 'heartbeat')!;
        expect(hb.battery).toBe(p.battery);
      }
    });

    it(`${model}: each payload with its reset after it gives one press per press`, () => {
      const t = tracker();
      for (const p of payloads) {
        clock.advance(3000);
        const lastSeen = new Date(clock.now()).toISOString();
        const first = feed(t, model, { ...p, last_seen: lastSeen });
        // Zigbee2MQTT 1.x: the action reset carries the same cached state and last_seen.
        const reset = feed(t, model, { ...p, action: '', last_seen: lastSeen });
        expect(types(reset)).not.toContain('press');
        expect(types(first).filter((x) => x === 'press').length).toBeLessThanOrEqual(1);
      }
    });
  }
});

describe('one press per physical press', () => {
  const press = { battery: 100, voltage: 3000, action: 'emergency', linkquality: 132 };

  it('with last_seen: a replay of the payload is dropped, and a new tracker gives the same msgId', () => {
    const t = tracker();
    const payload = { ...press, last_seen: '2026-01-05T10:00:00+01:00' };
    const [first] = feed(t, 'TS0215A_sos', payload);
    expect(first).toMatchObject({ type: 'press', msgId: digestId('office/sos 1', 'press', payload.last_seen), at: '2026-01-05T09:00:00.000Z' });
    expect(types(feed(t, 'TS0215A_sos', payload, true))).toEqual(['heartbeat']);

    const afterRestart = tracker();
    expect(feed(afterRestart, 'TS0215A_sos', payload, true)[0]).toMatchObject({ type: 'press', msgId: first!.msgId });
  });

  it('with last_seen: two presses a moment apart are two presses (no debounce needed)', () => {
    const t = tracker();
    expect(types(feed(t, 'TS0215A_sos', { ...press, last_seen: 1767603600000 }))).toContain('press');
    expect(types(feed(t, 'TS0215A_sos', { ...press, last_seen: 1767603600300 }))).toContain('press');
  });

  it('without last_seen: presses within the debounce window are one, later ones count again', () => {
    const t = tracker('sos', 2000);
    const first = feed(t, 'TS0215A_sos', press);
    clock.advance(1999);
    expect(types(feed(t, 'TS0215A_sos', { ...press, linkquality: 120 }))).toEqual(['heartbeat']);
    clock.advance(1);
    const third = feed(t, 'TS0215A_sos', press);
    expect(types(third)).toEqual(['press', 'heartbeat']);
    expect(third[0]!.msgId).not.toBe(first[0]!.msgId);
  });

  it('without last_seen: the retained replay of a live press is no second press; after a restart it keeps one msgId', () => {
    const t = tracker();
    feed(t, 'TS0215A_sos', press);
    clock.advance(60_000);
    // Retained and without a time: not even a heartbeat (it may be days old).
    expect(types(feed(t, 'TS0215A_sos', press, true))).toEqual([]);

    const a = feed(tracker(), 'TS0215A_sos', press, true);
    const b = feed(tracker(), 'TS0215A_sos', press, true);
    expect(types(a)).toEqual(['press']);
    expect(b[0]!.msgId).toBe(a[0]!.msgId);
  });

  it('a level sos flag repeated by the state cache is one press, cleared is one release', () => {
    const t = tracker();
    const cached = { battery: 87, sos: true, tamper: false, battery_low: false, linkquality: 132 };
    expect(types(feed(t, 'SEB01ZB', cached))).toEqual(['press', 'heartbeat']);
    clock.advance(60_000);
    expect(types(feed(t, 'SEB01ZB', { ...cached, battery: 86 }))).toEqual(['heartbeat']);
    expect(types(feed(t, 'SEB01ZB', { ...cached, sos: false }))).toEqual(['release', 'heartbeat']);
    expect(types(feed(t, 'SEB01ZB', { ...cached, sos: false }))).toEqual(['heartbeat']);
    expect(types(feed(t, 'SEB01ZB', cached))).toEqual(['press', 'heartbeat']);
  });

  it('an action and a set sos flag in one payload are one press', () => {
    const t = tracker();
    expect(types(feed(t, 'generic', { sos: true, action: 'emergency', last_seen: 5 }))).toEqual(['press', 'heartbeat']);
  });
});

describe('tamper, low battery and availability', () => {
  it('raises tamper and low-battery on their change to true only', () => {
    const t = tracker();
    const base = { battery: 9, sos: false, linkquality: 100 };
    expect(types(feed(t, 'SEB01ZB', { ...base, tamper: true, battery_low: true }))).toEqual(['tamper', 'low-battery', 'heartbeat']);
    expect(types(feed(t, 'SEB01ZB', { ...base, tamper: true, battery_low: true }))).toEqual(['heartbeat']);
    expect(feed(t, 'SEB01ZB', { ...base, tamper: false, battery_low: false })).toHaveLength(1);
    const again = feed(t, 'SEB01ZB', { ...base, tamper: true, battery_low: true });
    expect(again.find((m) => m.type === 'low-battery')).toMatchObject({ battery: 9 });
  });

  it('offline is one unavailable event per change; online is a heartbeat', () => {
    const t = tracker();
    expect(types(t.availability('offline'))).toEqual(['unavailable']);
    expect(t.availability('offline')).toEqual([]);
    expect(types(t.availability('online'))).toEqual(['heartbeat']);
    expect(types(t.availability('offline'))).toEqual(['unavailable']);
    feed(t, 'TS0215A_sos', { battery: 50 });
    expect(types(t.availability('offline'))).toEqual(['unavailable']);
    for (const m of t.availability('online')) expect(validateDeviceMessage(m).ok).toBe(true);
  });
});

describe('last_seen times', () => {
  it('reads ISO, ISO with offset and epoch milliseconds; hands anything else on as text for the gateway to judge', () => {
    expect(isoTime('2026-01-05T10:00:00+01:00')).toBe('2026-01-05T09:00:00.000Z');
    expect(isoTime(1767603600000)).toBe('2026-01-05T09:00:00.000Z');
    // Never dropped silently: the gateway replaces these with its receive time, and logs it.
    expect(isoTime('yesterday')).toBe('yesterday');
    expect(isoTime(-5)).toBe('1969-12-31T23:59:59.995Z');
    expect(isoTime(1767603600000000)).toMatch(/^\+0579/); // microseconds: year 57,982
    expect(isoTime(1.767603600000000e18)).toBe('1767603600000000000'); // nanoseconds: beyond Date
    expect(isoTime(true)).toBeUndefined();
  });

  it('msgIds stay within the protocol alphabet whatever the friendly name', () => {
    const id = digestId('Küche/SOS knapp #2 +', 'press', '2026-01-05T10:00:00+01:00');
    expect(id).toMatch(/^z2m-[0-9a-f]{40}$/);
  });
});
