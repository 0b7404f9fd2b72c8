import { idSchema, timestampSchema, versionSchema } from './common';

/**
 * Retained on `.../gateways/<gw>/status`. The gateway publishes `online` when it connects and
 * registers `offline` as its MQTT last will, so the broker tells the server when it vanishes.
 */
export type GatewayState = 'online' | 'offline';

export interface GatewayStatus {
  v: 1;
  siteId: string;
  gatewayId: string;
  state: GatewayState;
  at?: string;
  outboxDepth?: number;
  transports?: string[];
}

export const gatewayStatusSchema = {
  $id: 'trygg/v1/gateway-status',
  type: 'object',
  additionalProperties: false,
  required: ['v', 'siteId', 'gatewayId', 'state'],
  properties: {
    v: versionSchema,
    siteId: idSchema,
    gatewayId: idSchema,
    state: { enum: ['online', 'offline'] },
    at: timestampSchema,
    outboxDepth: { type: 'integer', minimum: 0 },
    transports: { type: 'array', maxItems: 16, items: { type: 'string', maxLength: 32 } },
  },
} as const;
