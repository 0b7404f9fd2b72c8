import { Type, type Static } from 'typebox';
import { MAX_HEARTBEAT_BATCH_BYTES, idSchema, timestampSchema, versionSchema } from './common';

/**
 * The devices a gateway may carry, published by the server retained (QoS 1) on
 * `trygg/v1/sites/<site>/gateways/<gw>/directory` at every (re)connect and whenever the
 * configuration changes. A gateway refuses messages from any other device id before its outbox,
 * so junk for unconfigured ids cannot queue in front of an alarm. A gateway that never received a
 * directory accepts every device (a missing directory must never cost a press), and an empty
 * retained payload clears the directory: the gateway accepts every device again.
 */

/** An MQTT topic part without wildcards or NUL; `/` allowed inside, not at the ends (Zigbee2MQTT friendly names). */
export const ZIGBEE_FRIENDLY_NAME_PATTERN = '^(?!/)(?!.*/$)(?!.*//)[^#+\\u0000]{1,200}$';

/** A USB vendor or product id as the console shows and takes it: 4 hex digits (`1a86`, `E026`). */
export const USB_ID_HEX_PATTERN = '^[0-9a-fA-F]{4}$';

export const deviceBindingSchema = Type.Object({
  /** The id the serial receiver sends for this device on the line (docs/serial-protocol.md), when it is not the device id. */
  serialAddress: Type.Optional(idSchema),
  /** The device's `friendly_name` in Zigbee2MQTT. */
  zigbeeFriendlyName: Type.Optional(Type.String({ pattern: ZIGBEE_FRIENDLY_NAME_PATTERN })),
  /** Zigbee2MQTT model id, which picks the converter (`TS0215A_sos`). */
  zigbeeModel: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  /** USB vendor id of a HID button, 4 hex digits (`1a86`); always with `hidProductId`. */
  hidVendorId: Type.Optional(Type.String({ pattern: USB_ID_HEX_PATTERN })),
  /** USB product id of a HID button, 4 hex digits (`e026`). */
  hidProductId: Type.Optional(Type.String({ pattern: USB_ID_HEX_PATTERN })),
  /** A gateway HID model (docs/hid-devices.md); absent: the model sold with these ids, else `generic-keyboard-button`. */
  hidModel: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  /** Tells apart several HID devices with the same ids. */
  hidSerialNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
}, { additionalProperties: false });
export type DeviceBinding = Static<typeof deviceBindingSchema>;

/** A directory fits the heartbeat batch's bound, under the embedded broker's 300 KiB packet limit. */
export const MAX_DEVICE_DIRECTORY_BYTES = MAX_HEARTBEAT_BATCH_BYTES;
export const MAX_DEVICE_DIRECTORY_DEVICES = 20_000;

export const deviceDirectoryEntrySchema = Type.Object({
  deviceId: idSchema,
  /** Present when the device is configured on another gateway of the site; it is accepted all the same. */
  gatewayId: Type.Optional(idSchema),
  /**
   * How this gateway's transports know the device, set in the console's device form (only for
   * devices of this gateway). The gateway follows a change without a restart; a transport's own
   * settings file stays valid beside it, and the directory wins for the same device.
   */
  binding: Type.Optional(deviceBindingSchema),
}, { additionalProperties: false });
export type DeviceDirectoryEntry = Static<typeof deviceDirectoryEntrySchema>;

export const deviceDirectorySchema = Type.Object({
  v: versionSchema,
  /** When the server built this directory (from the configuration in effect then). */
  at: timestampSchema,
  /** Every device of the gateway's site, in configuration order. */
  devices: Type.Array(deviceDirectoryEntrySchema, { maxItems: MAX_DEVICE_DIRECTORY_DEVICES }),
}, { $id: 'trygg/v1/device-directory', additionalProperties: false });
export type DeviceDirectory = Static<typeof deviceDirectorySchema>;
