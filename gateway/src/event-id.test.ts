import { validateDeviceEvent } from '@trygg/protocol';
import { describe, expect, it } from 'vitest';
import { eventIdFor } from './event-id';

describe('eventIdFor', () => {
  it('joins device id and message id so a re-sent message keeps its event id', () => {
    expect(eventIdFor('interview-1', 'abc-1')).toBe('interview-1-abc-1');
    expect(eventIdFor('interview-1', 'abc-1')).toBe(eventIdFor('interview-1', 'abc-1'));
  });

  it('stays within the schema limit and deterministic for the longest ids', () => {
    const deviceId = 'd'.repeat(64);
    const msgId = 'M'.repeat(128);
    const id = eventIdFor(deviceId, msgId);
    expect(id.length).toBeLessThanOrEqual(128);
    expect(id).toBe(eventIdFor(deviceId, msgId));
    expect(id).not.toBe(eventIdFor(deviceId, `${'M'.repeat(127)}N`));
    const event = { v: 1, eventId: id, siteId: 's', gatewayId: 'g', deviceId, kind: 'press', seq: 0, at: new Date(0).toISOString() };
    expect(validateDeviceEvent(event).ok).toBe(true);
  });
});
