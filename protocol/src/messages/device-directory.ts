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
  /**
   * How this gateway's transports know the device, set in the console's device form (only for
   * devices of this gateway). The gateway follows a change without a restart; a transport's own
   * settings file stays valid beside it, and the directory wins for the same device.
   */
  binding?: DeviceBinding;
}

export interface DeviceBinding {
  /** The id the serial receiver sends for this device on the line (docs/serial-protocol.md), when it is not the device id. */
  serialAddress?: string;
  /** The device's `friendly_name` in Zigbee2MQTT. */
  zigbeeFriendlyName?: string;
  /** Zigbee2MQTT model id, which picks the converter (`TS0215A_sos`). */
  zigbeeModel?: string;
}

/** An MQTT topic part without wildcards or NUL; `/` allowed inside, not at the ends (Zigbee2MQTT friendly names). */
export const ZIGBEE_FRIENDLY_NAME_PATTERN = '^(?!/)(?!.*/$)(?!.*//)[^#+\\u0000]{1,200}$';

export const deviceBindingSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    serialAddress: idSchema,
    zigbeeFriendlyName: { type: 'string', pattern: ZIGBEE_FRIENDLY_NAME_PATTERN },
    zigbeeModel: { type: 'string', minLength: 1, maxLength: 100 },
  },
} as const;

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
        properties: { deviceId: idSchema, gatewayId: idSchema, binding: deviceBindingSchema },
      },
    },
  },
} as const;
