import { MAX_HEARTBEAT_BATCH_BYTES, idSchema, timestampSchema, versionSchema } from './common';

/**
 * The devices a gateway may carry, published by the server retained (QoS 1) on
 * `trygg/v1/sites/<site>/gateways/<gw>/directory` at every (re)connect and whenever the
 * configuration changes. A gateway refuses messages from any other device id before its outbox,
 * so junk for unconfigured ids cannot queue in front of an alarm. A gateway that never received a
 * directory accepts every device (a missing directory must never cost a press), and an empty
 * retained payload clears the directory: the gateway accepts every device again.
 */
export interface DeviceDirectoryEntry {
  deviceId: string;
  /** Present when the device is configured on another gateway of the site; it is accepted all the same. */
  gatewayId?: string;
}

export interface DeviceDirectory {
  v: 1;
  /** When the server built this directory (from the configuration in effect then). */
  at: string;
  /** Every device of the gateway's site, in configuration order. */
  devices: DeviceDirectoryEntry[];
}

/** A directory fits the heartbeat batch's bound, under the embedded broker's 300 KiB packet limit. */
export const MAX_DEVICE_DIRECTORY_BYTES = MAX_HEARTBEAT_BATCH_BYTES;
export const MAX_DEVICE_DIRECTORY_DEVICES = 20_000;

export const deviceDirectorySchema = {
  $id: 'trygg/v1/device-directory',
  type: 'object',
  additionalProperties: false,
  required: ['v', 'at', 'devices'],
  properties: {
    v: versionSchema,
    at: timestampSchema,
    devices: {
      type: 'array',
      maxItems: MAX_DEVICE_DIRECTORY_DEVICES,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['deviceId'],
        properties: { deviceId: idSchema, gatewayId: idSchema },
      },
    },
  },
} as const;
