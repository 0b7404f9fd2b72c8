import { batterySchema, eventIdSchema, idSchema, locationSchema, pinSchema, seqSchema, timestampSchema, versionSchema } from './common';
import { DEVICE_MESSAGE_TYPES, type DeviceMessageType } from './device-message';

/**
 * The normalized event every gateway transport produces (MQTT, serial, HID, Zigbee2MQTT) and
 * publishes on `trygg/v1/sites/<site>/gateways/<gw>/events`. Kept in the gateway outbox until
 * the server's receipt for `eventId` arrives.
 */
export type DeviceEventKind = Exclude<DeviceMessageType, 'heartbeat'>;
export const DEVICE_EVENT_KINDS: readonly DeviceEventKind[] = DEVICE_MESSAGE_TYPES.filter((t): t is DeviceEventKind => t !== 'heartbeat');

export interface DeviceLocation {
  roomId?: string;
  lat?: number;
  lon?: number;
  accuracyM?: number;
}

export interface DeviceEvent {
  v: 1;
  eventId: string;
  siteId: string;
  gatewayId: string;
  deviceId: string;
  kind: DeviceEventKind;
  seq: number;
  /**
   * The device message's own id, so the server can confirm it to the device (DeviceCommand
   * `msgId`). Absent only from gateways older than the delivery contract.
   */
  msgId?: string;
  /** When the device (or, lacking a clock, the gateway) saw the event. */
  at: string;
  battery?: number;
  location?: DeviceLocation;
  until?: string;
  pin?: string;
}

export const deviceEventSchema = {
  $id: 'trygg/v1/device-event',
  type: 'object',
  additionalProperties: false,
  required: ['v', 'eventId', 'siteId', 'gatewayId', 'deviceId', 'kind', 'seq', 'at'],
  properties: {
    v: versionSchema,
    eventId: eventIdSchema,
    siteId: idSchema,
    gatewayId: idSchema,
    deviceId: idSchema,
    kind: { enum: DEVICE_EVENT_KINDS },
    seq: seqSchema,
    msgId: eventIdSchema,
    at: timestampSchema,
    battery: batterySchema,
    location: locationSchema,
    until: timestampSchema,
    pin: pinSchema,
  },
} as const;
