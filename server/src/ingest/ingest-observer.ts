import type { DeviceSeen, GatewayStatusRecord } from '../store/store';

/**
 * Liveness news from the gateways, for features that watch it (device and gateway supervision).
 * Called after the news is stored; an observer failing never affects ingest.
 */
export interface IngestObserver {
  readonly name: string;
  onHeartbeats?(seen: DeviceSeen[]): Promise<void> | void;
  /** Every heartbeat batch, empty ones included: the gateway's own heartbeat. */
  onGatewayHeartbeat?(siteId: string, gatewayId: string, at: number): Promise<void> | void;
  onGatewayStatus?(status: GatewayStatusRecord): Promise<void> | void;
}
