import { batterySchema, eventIdSchema, idSchema, seqSchema, timestampSchema, versionSchema } from './common';

/**
 * The normalized event every gateway transport produces (MQTT, serial, HID, Zigbee2MQTT) and
 * publishes on `trygg/v1/sites/<site>/gateways/<gw>/events`. Kept in the gateway outbox until
 * the server's receipt for `eventId` arrives.
 */
export type DeviceEventKind = 'press' | 'release' | 'cancel';
export const DEVICE_EVENT_KINDS: readonly DeviceEventKind[] = ['press', 'release', 'cancel'];

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
  /** When the device (or, lacking a clock, the gateway) saw the event. */
  at: string;
  battery?: number;
  location?: DeviceLocation;
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
    at: timestampSchema,
    battery: batterySchema,
    location: {
      type: 'object',
      additionalProperties: false,
      properties: {
        roomId: idSchema,
        lat: { type: 'number', minimum: -90, maximum: 90 },
        lon: { type: 'number', minimum: -180, maximum: 180 },
        accuracyM: { type: 'number', minimum: 0, maximum: 100000 },
      },
    },
  },
} as const;
