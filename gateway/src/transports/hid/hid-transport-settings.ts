import { ID_PATTERN } from '@trygg/protocol';
import { hidModels } from './hid-models';

const usbId = { type: 'integer', minimum: 0, maximum: 0xffff } as const;

/**
 * Settings of the USB HID transport (hid-config.ts HidTransportConfig). What needs a model's
 * details (ids, keyboard emulation, two entries claiming one device) is checked by
 * resolveHidConfig, which the settings check (transport-settings.ts) runs too.
 */
export const hidTransportSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'devices'],
  properties: {
    kind: { const: 'hid' },
    pollIntervalMs: { type: 'integer', minimum: 100, maximum: 600000 },
    heartbeatIntervalMs: { type: 'integer', minimum: 0, maximum: 86_400_000 },
    devices: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['deviceId', 'model'],
        properties: {
          deviceId: { type: 'string', pattern: ID_PATTERN },
          model: { enum: hidModels.map((m) => m.model) },
          vendorId: usbId,
          productId: usbId,
          serialNumber: { type: 'string', minLength: 1, maxLength: 200 },
          path: { type: 'string', minLength: 1, maxLength: 500 },
          keyCode: { type: 'integer', minimum: 0x04, maximum: 0xe7 },
        },
      },
    },
  },
} as const;
