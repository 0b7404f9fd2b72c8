import { validateDeviceEvent, type DeviceEvent } from '@trygg/protocol';
import { describe, expect, it } from 'vitest';
import { repairDeviceEvent } from './event-repair';

const NOW = Date.parse('2026-03-04T09:15:00.000Z');
const good: DeviceEvent = {
  v: 1, eventId: 'interview-1-m1', siteId: 'demo', gatewayId: 'gw', deviceId: 'interview-1', kind: 'press', seq: 1, at: '2026-03-04T09:14:59.000Z',
};

describe('repairDeviceEvent', () => {
  it('leaves a valid event untouched', () => {
    expect(repairDeviceEvent(good, NOW)).toEqual({ event: good, repaired: [], remaining: [] });
  });

  it('gives an event with an impossible time the receive time instead of letting the server reject the press', () => {
    const bad = { ...good, at: '+057983-02-17T00:00:00.000Z' };
    expect(validateDeviceEvent(bad).ok).toBe(false);
    const { event, repaired, remaining } = repairDeviceEvent(bad, NOW);
    expect(event).toEqual({ ...good, at: '2026-03-04T09:15:00.000Z' });
    expect(repaired).toEqual([expect.stringMatching(/^at: /)]);
    expect(remaining).toEqual([]);
  });

  it('drops bad details and unknown fields, clamps seq, and hashes a bad eventId stably', () => {
    const bad = { ...good, eventId: 'has spaces/and#', seq: -3, battery: 140, location: { lat: 200 }, colour: 'red' } as unknown as DeviceEvent;
    const first = repairDeviceEvent(bad, NOW);
    expect(validateDeviceEvent(first.event).ok).toBe(true);
    expect(first.event).toMatchObject({ kind: 'press', deviceId: 'interview-1', seq: 0 });
    expect(first.event).not.toHaveProperty('battery');
    expect(first.event).not.toHaveProperty('location');
    expect(first.event).not.toHaveProperty('colour');
    expect(first.event.eventId).toMatch(/^interview-1-r\.[0-9a-f]{48}$/);
    // A re-send of the same bad event gets the same id, so the outbox and the server still fold it.
    expect(repairDeviceEvent(bad, NOW + 5000).event.eventId).toBe(first.event.eventId);
    expect(first.repaired.length).toBeGreaterThanOrEqual(5);
  });

  it('says what it cannot repair (ids, kind) instead of hiding it', () => {
    const bad = { ...good, deviceId: 'Not Valid' };
    const { remaining } = repairDeviceEvent(bad, NOW);
    expect(remaining.some((e) => e.startsWith('deviceId'))).toBe(true);
  });
});
