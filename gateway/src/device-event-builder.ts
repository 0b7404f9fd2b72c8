import type { DeviceEvent, DeviceMessage } from '@trygg/protocol';
import { eventIdFor } from './event-id';

export interface EventOrigin {
  siteId: string;
  gatewayId: string;
  deviceId: string;
  /** Clock ms, used when the device sent no time of its own. */
  now: number;
}

/**
 * The normalized DeviceEvent for every non-heartbeat message. Pure: the same message always
 * gives the same eventId, which is what lets the outbox and the server fold re-sends.
 */
export function toDeviceEvent(message: DeviceMessage & { type: DeviceEvent['kind'] }, origin: EventOrigin): DeviceEvent {
  return {
    v: 1,
    eventId: eventIdFor(origin.deviceId, message.msgId),
    siteId: origin.siteId,
    gatewayId: origin.gatewayId,
    deviceId: origin.deviceId,
    kind: message.type,
    seq: message.seq,
    // The server confirms the device's own message id back to it (docs/protocol.md, delivery contract).
    msgId: message.msgId,
    at: message.at ?? new Date(origin.now).toISOString(),
    ...(message.battery !== undefined && { battery: message.battery }),
    ...(message.location !== undefined && { location: message.location }),
    ...(message.until !== undefined && { until: message.until }),
    ...(message.pin !== undefined && { pin: message.pin }),
  };
}
