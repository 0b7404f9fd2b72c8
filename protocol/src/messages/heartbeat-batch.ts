import { batterySchema, idSchema, timestampSchema, versionSchema } from './common';

/**
 * Device liveness, batched by the gateway on `.../gateways/<gw>/heartbeats` (QoS 0). Heartbeats
 * are not alarms: they skip the durable outbox, and a lost batch is replaced by the next one.
 */
export interface DeviceHeartbeat {
  deviceId: string;
  at: string;
  battery?: number;
}

export interface HeartbeatBatch {
  v: 1;
  siteId: string;
  gatewayId: string;
  at: string;
  devices: DeviceHeartbeat[];
}

export const MAX_HEARTBEATS_PER_BATCH = 2000;

/**
 * A gateway with nothing to report still sends a batch (possibly with no devices) at least this
 * often: the gateway's own heartbeat, so the server notices a gateway cut off from the network
 * before the broker's keep-alive fires its last will.
 */
export const GATEWAY_HEARTBEAT_INTERVAL_MS = 15_000;

export const heartbeatBatchSchema = {
  $id: 'trygg/v1/heartbeat-batch',
  type: 'object',
  additionalProperties: false,
  required: ['v', 'siteId', 'gatewayId', 'at', 'devices'],
  properties: {
    v: versionSchema,
    siteId: idSchema,
    gatewayId: idSchema,
    at: timestampSchema,
    devices: {
      type: 'array',
      maxItems: MAX_HEARTBEATS_PER_BATCH,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['deviceId', 'at'],
        properties: { deviceId: idSchema, at: timestampSchema, battery: batterySchema },
      },
    },
  },
} as const;
