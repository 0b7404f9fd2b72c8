import { validateDeviceEvent } from '@trygg/protocol';
import { describe, expect, it } from 'vitest';
import { toDeviceEvent } from './device-event-builder';

const origin = { siteId: 'demo', gatewayId: 'demo-gw', deviceId: 'interview-1', now: Date.parse('2026-01-05T09:00:00.000Z') };

describe('toDeviceEvent', () => {
  it('keeps the device time, seq and battery and derives the eventId from the message id', () => {
    const event = toDeviceEvent({ v: 1, type: 'cancel', msgId: 'm-9', seq: 9, at: '2026-01-05T08:59:59.000Z', battery: 3 }, origin);
    expect(event).toEqual({
      v: 1,
      eventId: 'interview-1-m-9',
      siteId: 'demo',
      gatewayId: 'demo-gw',
      deviceId: 'interview-1',
      kind: 'cancel',
      seq: 9,
      msgId: 'm-9',
      at: '2026-01-05T08:59:59.000Z',
      battery: 3,
    });
    expect(validateDeviceEvent(event).ok).toBe(true);
  });

  it('uses the gateway time for a device without a clock', () => {
    const event = toDeviceEvent({ v: 1, type: 'press', msgId: 'm', seq: 0 }, origin);
    expect(event.at).toBe('2026-01-05T09:00:00.000Z');
    expect(event).not.toHaveProperty('battery');
  });
});
