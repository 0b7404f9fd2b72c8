import { batterySchema, eventIdSchema, locationSchema, pinSchema, seqSchema, timestampSchema, versionSchema } from './common';
import type { DeviceLocation } from './device-event';

/** What a device publishes on `trygg/v1/sites/<site>/devices/<device>/up`. */
export type DeviceMessageType =
  | 'press' | 'release' | 'heartbeat' | 'cancel'
  /** Tilt / no movement detected by a portable alarm: starts the wearer's pre-alarm. */
  | 'man-down'
  | 'tamper' | 'low-battery'
  /** The transport reports the device unreachable (e.g. Zigbee2MQTT availability `offline`). */
  | 'unavailable'
  /** Position update of a portable alarm. */
  | 'location'
  /** Lone-work timer from the device: start (with `until`), extend (new `until`), check out. */
  | 'checkin-start' | 'checkin-extend' | 'checkout';
export const DEVICE_MESSAGE_TYPES: readonly DeviceMessageType[] = [
  'press', 'release', 'heartbeat', 'cancel', 'man-down', 'tamper', 'low-battery', 'unavailable', 'location',
  'checkin-start', 'checkin-extend', 'checkout',
];

export interface DeviceMessage {
  v: 1;
  type: DeviceMessageType;
  /** Unique per device message; a re-sent message keeps its id so it is deduplicated. */
  msgId: string;
  seq: number;
  at?: string;
  battery?: number;
  location?: DeviceLocation;
  /** Check-in timers: the expected end. */
  until?: string;
  /** PIN typed on the device with a `cancel`; a duress PIN cancels only on the surface. */
  pin?: string;
}

export const deviceMessageSchema = {
  $id: 'trygg/v1/device-message',
  type: 'object',
  additionalProperties: false,
  required: ['v', 'type', 'msgId', 'seq'],
  properties: {
    v: versionSchema,
    type: { enum: DEVICE_MESSAGE_TYPES },
    msgId: eventIdSchema,
    seq: seqSchema,
    at: timestampSchema,
    battery: batterySchema,
    location: locationSchema,
    until: timestampSchema,
    pin: pinSchema,
  },
} as const;
