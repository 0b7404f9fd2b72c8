import { Type } from 'typebox';
import { ID_PATTERN } from '../topics';

/** Upper bound for any MQTT payload Trygg accepts; anything larger is rejected unread. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;
/** Upper bound for a batched heartbeat message (many devices in one publish). */
export const MAX_HEARTBEAT_BATCH_BYTES = 256 * 1024;

export const PROTOCOL_VERSION = 1 as const;

// TypeBox builders: each is the same JSON Schema as before, and gives its type with `Static`.
export const idSchema = Type.String({ pattern: ID_PATTERN });
/** `{ const: 1 }` exactly (TypeBox's Literal would add a `type`, and with it another error message). */
export const versionSchema = Type.Unsafe<typeof PROTOCOL_VERSION>({ const: PROTOCOL_VERSION });
export const timestampSchema = Type.String({ format: 'date-time', maxLength: 40 });
export const batterySchema = Type.Integer({ minimum: 0, maximum: 100 });
export const seqSchema = Type.Integer({ minimum: 0, maximum: 4294967295 });
/** Event ids are chosen by gateways: UUIDs or `<deviceId>-<msgId>`; kept topic- and log-safe. */
export const eventIdSchema = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$' });
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
