import { ID_PATTERN } from '@trygg/protocol';

/** Settings of the serial device transport (serial-device-transport.ts SerialTransportConfig). */
export const serialTransportSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'path'],
  properties: {
    kind: { const: 'serial' },
    path: { type: 'string', minLength: 1, maxLength: 500 },
    baudRate: { type: 'integer', minimum: 50, maximum: 4_000_000 },
    devices: { type: 'array', maxItems: 10000, uniqueItems: true, items: { type: 'string', pattern: ID_PATTERN } },
    /** Several ports on one gateway need distinct names; the name is also the transport's kind in logs. */
    name: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,31}$' },
    reconnectMs: { type: 'integer', minimum: 10, maximum: 600000 },
    feedbackRetryMs: { type: 'integer', minimum: 10, maximum: 60000 },
    feedbackAttempts: { type: 'integer', minimum: 1, maximum: 20 },
  },
} as const;
