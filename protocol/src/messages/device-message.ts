import { batterySchema, eventIdSchema, seqSchema, timestampSchema, versionSchema } from './common';

/** What a device publishes on `trygg/v1/sites/<site>/devices/<device>/up`. */
export type DeviceMessageType = 'press' | 'release' | 'heartbeat' | 'cancel';
export const DEVICE_MESSAGE_TYPES: readonly DeviceMessageType[] = ['press', 'release', 'heartbeat', 'cancel'];

export interface DeviceMessage {
  v: 1;
  type: DeviceMessageType;
  /** Unique per device message; a re-sent message keeps its id so it is deduplicated. */
  msgId: string;
  seq: number;
  at?: string;
  battery?: number;
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
  },
} as const;
