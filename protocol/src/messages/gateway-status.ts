import { Type, type Static } from 'typebox';
import { idSchema, timestampSchema, versionSchema } from './common';

/**
 * Retained on `.../gateways/<gw>/status`. The gateway publishes `online` when it connects and
 * registers `offline` as its MQTT last will, so the broker tells the server when it vanishes.
 */
export const GATEWAY_STATES = ['online', 'offline'] as const;
export type GatewayState = (typeof GATEWAY_STATES)[number];

export const gatewayStatusSchema = Type.Object({
  v: versionSchema,
  siteId: idSchema,
  gatewayId: idSchema,
  state: Type.Enum(GATEWAY_STATES),
  at: Type.Optional(timestampSchema),
  outboxDepth: Type.Optional(Type.Integer({ minimum: 0 })),
  transports: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 16 })),
}, { $id: 'trygg/v1/gateway-status', additionalProperties: false });
export type GatewayStatus = Static<typeof gatewayStatusSchema>;
