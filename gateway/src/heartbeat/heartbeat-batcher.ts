import {
  GATEWAY_HEARTBEAT_INTERVAL_MS,
  MAX_HEARTBEATS_PER_BATCH,
  type Clock,
  type DeviceHeartbeat,
  type HeartbeatBatch,
  type TimerHandle,
} from '@trygg/protocol';
import type { Logger } from 'pino';

/** Hands a batch to the uplink (QoS 0); false when the link is down. */
export type PublishHeartbeats = (batch: HeartbeatBatch) => boolean;

export interface HeartbeatBatcherOptions {
  siteId: string;
  gatewayId: string;
  clock: Clock;
  logger: Logger;
  flushMs: number;
  publish: PublishHeartbeats;
  /** Devices per message; the protocol's MAX_HEARTBEATS_PER_BATCH unless a test wants less. */
  maxPerBatch?: number;
  /** The gateway's own heartbeat: an (empty) batch at least this often; default GATEWAY_HEARTBEAT_INTERVAL_MS. */
  gatewayHeartbeatMs?: number;
}

/**
 * Keeps the latest heartbeat per device and publishes them together every `flushMs`.
 * Heartbeats are liveness, not alarms (protocol heartbeat-batch.ts): they skip the outbox, and
 * while the uplink is down they wait here, so the first batch after a reconnect still tells the
 * server each device's latest state. 2000 devices of at most ~120 bytes stay below
 * MAX_HEARTBEAT_BATCH_BYTES.
 */
export class HeartbeatBatcher {
  private readonly latest = new Map<string, DeviceHeartbeat>();
  private timer: TimerHandle | null = null;
  private readonly maxPerBatch: number;
  private lastPublishedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: HeartbeatBatcherOptions) {
    this.maxPerBatch = Math.min(opts.maxPerBatch ?? MAX_HEARTBEATS_PER_BATCH, MAX_HEARTBEATS_PER_BATCH);
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  record(heartbeat: DeviceHeartbeat): void {
    // Delete first so the Map's insertion order is "least recently heard first".
    this.latest.delete(heartbeat.deviceId);
    this.latest.set(heartbeat.deviceId, heartbeat);
  }

  waiting(): number {
    return this.latest.size;
  }

  /** Publishes what is waiting; returns the number of batches published. */
  flush(): number {
    let batches = 0;
    // One walk over what waits, cut into batches: copying all of it again for every batch made a
    // flush cost (fleet / batch size) x fleet: about 10 copies per heartbeat at 40,000 devices, one at 1,000.
    const waiting = [...this.latest.values()];
    for (let from = 0; from < waiting.length; from += this.maxPerBatch) {
      const devices = waiting.slice(from, from + this.maxPerBatch);
      const batch: HeartbeatBatch = {
        v: 1,
        siteId: this.opts.siteId,
        gatewayId: this.opts.gatewayId,
        at: new Date(this.opts.clock.now()).toISOString(),
        devices,
      };
      if (!this.opts.publish(batch)) break;
      for (const d of devices) this.latest.delete(d.deviceId);
      this.lastPublishedAt = this.opts.clock.now();
      batches++;
    }
    const now = this.opts.clock.now();
    if (now - this.lastPublishedAt >= (this.opts.gatewayHeartbeatMs ?? GATEWAY_HEARTBEAT_INTERVAL_MS)) {
      const alive: HeartbeatBatch = { v: 1, siteId: this.opts.siteId, gatewayId: this.opts.gatewayId, at: new Date(now).toISOString(), devices: [] };
      if (this.opts.publish(alive)) {
        this.lastPublishedAt = now;
        batches++;
      }
    }
    return batches;
  }

  private schedule(): void {
    this.timer = this.opts.clock.setTimer(this.opts.flushMs, () => {
      try {
        this.flush();
      } catch (err) {
        this.opts.logger.error({ err }, 'heartbeat flush failed');
      }
      if (this.timer) this.schedule();
    });
  }
}
