import { ID_PATTERN } from '../topics';

/** Upper bound for any MQTT payload Trygg accepts; anything larger is rejected unread. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;
/** Upper bound for a batched heartbeat message (many devices in one publish). */
export const MAX_HEARTBEAT_BATCH_BYTES = 256 * 1024;

export const PROTOCOL_VERSION = 1 as const;

export const idSchema = { type: 'string', pattern: ID_PATTERN } as const;
export const versionSchema = { const: PROTOCOL_VERSION } as const;
export const timestampSchema = { type: 'string', format: 'date-time', maxLength: 40 } as const;
export const batterySchema = { type: 'integer', minimum: 0, maximum: 100 } as const;
export const seqSchema = { type: 'integer', minimum: 0, maximum: 4294967295 } as const;
/** Event ids are chosen by gateways: UUIDs or `<deviceId>-<msgId>`; kept topic- and log-safe. */
export const eventIdSchema = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$' } as const;
export const locationSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    roomId: idSchema,
    lat: { type: 'number', minimum: -90, maximum: 90 },
    lon: { type: 'number', minimum: -180, maximum: 180 },
    accuracyM: { type: 'number', minimum: 0, maximum: 100000 },
  },
} as const;
export const pinSchema = { type: 'string', pattern: '^[0-9]{4,8}$' } as const;
