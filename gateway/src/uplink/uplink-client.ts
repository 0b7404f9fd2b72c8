import { disableNagle } from '@trygg/protocol';
import { EventEmitter } from 'node:events';
import mqtt, { type MqttClient } from 'mqtt';
import {
  decodePayload,
  encodePayload,
  MAX_DEVICE_DIRECTORY_BYTES,
  topics,
  validateDeviceCommand,
  validateDeviceDirectory,
  validateReceipt,
  type Clock,
  type DeviceCommand,
  type DeviceDirectory,
  type DeviceEvent,
  type GatewayStatus,
  type HeartbeatBatch,
  type Receipt,
  type RejectReason,
} from '@trygg/protocol';
import type { Logger } from 'pino';
import { GatewayError } from '../errors';
import { ALARM_PRIORITY, eventPriority } from '../outbox/event-priority';
import { mqttTlsOptions, type MqttTls } from './mqtt-tls';

/**
 * Bytes waiting in the socket's user-space buffer above which the link counts as busy: routine
 * events and heartbeats then wait (in the outbox, in the batcher) so an alarm published next
 * does not queue behind them. 64 KiB is a few hundred events, or a quarter of a heartbeat batch.
 */
export const UPLINK_BUSY_BYTES = 64 * 1024;

export interface UplinkOptions {
  siteId: string;
  gatewayId: string;
  url: string;
  username?: string;
  password?: string;
  /** For `mqtts://`: CA to verify the server, client certificate (mqtt-tls.ts). */
  tls?: MqttTls;
  logger: Logger;
  clock: Clock;
  reconnectPeriodMs?: number;
  /** Read at every connect, for the retained `online` status. */
  describe: () => { outboxDepth: number; transports: string[] };
}

export interface UplinkEvents {
  /** Connected, subscribed and `online` published: pending events may be flushed now. */
  up: [];
  down: [];
  receipt: [Receipt];
  command: [DeviceCommand];
  /** The server's device directory for this gateway; null when it cleared the retained topic. */
  directory: [DeviceDirectory | null];
  rejected: [channel: 'receipts' | 'commands' | 'directory', reason: RejectReason, errors: string[]];
}

/**
 * The gateway's link to the server's broker: events (QoS 1), heartbeats (QoS 0), receipts and
 * commands in, and a retained status with an `offline` last will so the server learns when the
 * gateway vanishes. mqtt.js reconnects on its own, also when the broker is down at start.
 */
export class UplinkClient extends EventEmitter<UplinkEvents> {
  private client: MqttClient | null = null;
  private up = false;
  private readonly topic: (channel: 'events' | 'heartbeats' | 'receipts' | 'commands' | 'status' | 'directory') => string;

  constructor(private readonly opts: UplinkOptions) {
    super();
    this.topic = (channel) => topics.gateway(opts.siteId, opts.gatewayId, channel);
  }

  start(): void {
    const { siteId, gatewayId } = this.opts;
    const will: GatewayStatus = { v: 1, siteId, gatewayId, state: 'offline' };
    const client = mqtt.connect(this.opts.url, {
      clientId: `trygg-gw-${siteId}-${gatewayId}`,
      username: this.opts.username,
      password: this.opts.password,
      ...mqttTlsOptions(this.opts.tls),
      // A persistent session lets the broker keep receipts and commands across a short cut.
      clean: false,
      reconnectPeriod: this.opts.reconnectPeriodMs ?? 500,
      connectTimeout: 5_000,
      keepalive: 30,
      resubscribe: false,
      // Heartbeats are replaced by the next batch; queueing them offline only delays news.
      queueQoSZero: false,
      will: { topic: this.topic('status'), payload: encodePayload(will), qos: 1, retain: true },
    });
    disableNagle(client);
    this.client = client;
    client.on('connect', () => void this.onConnect(client));
    client.on('close', () => {
      if (this.up && this.client === client) this.opts.logger.warn('uplink down; reconnecting');
      this.setUp(false);
    });
    client.on('error', (err) => this.opts.logger.warn({ err: err.message }, 'uplink error'));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  isUp(): boolean {
    return this.up;
  }

  /** An alarm goes out whenever the link is up; a routine event waits while the link is busy. */
  publishEvent(event: DeviceEvent): boolean {
    if (eventPriority(event.kind) !== ALARM_PRIORITY && this.busy()) return false;
    return this.publish(this.topic('events'), encodePayload(event), 1, false);
  }

  /** Heartbeats never go in front of an alarm: while the link is busy the batch waits. */
  publishHeartbeats(batch: HeartbeatBatch): boolean {
    if (this.busy()) return false;
    return this.publish(this.topic('heartbeats'), encodePayload(batch), 0, false);
  }

  /** Whether the socket still holds more than UPLINK_BUSY_BYTES not yet handed to the OS. */
  busy(): boolean {
    const stream = this.client?.stream as { writableLength?: number } | undefined;
    return (stream?.writableLength ?? 0) > UPLINK_BUSY_BYTES;
  }

  /** Publishes the retained `offline` status (a clean disconnect sends no will) and disconnects. */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.setUp(false);
    if (!client) return;
    if (client.connected) {
      const { siteId, gatewayId, clock } = this.opts;
      const status: GatewayStatus = { v: 1, siteId, gatewayId, state: 'offline', at: new Date(clock.now()).toISOString() };
      await withTimeout(client.publishAsync(this.topic('status'), encodePayload(status), { qos: 1, retain: true }), 2_000).catch(
        (err: unknown) => this.opts.logger.warn({ err }, 'could not publish offline status'),
      );
    }
    await client.endAsync(!client.connected);
  }

  private publish(topic: string, payload: Buffer, qos: 0 | 1, retain: boolean): boolean {
    const client = this.client;
    // Only publish on a live link: offline, the outbox is the queue, not mqtt.js's memory.
    if (!client || !client.connected) return false;
    client.publish(topic, payload, { qos, retain }, (err) => {
      if (err) this.opts.logger.warn({ err: err.message, topic }, 'uplink publish failed; will be retried');
    });
    return true;
  }

  private async onConnect(client: MqttClient): Promise<void> {
    const { siteId, gatewayId, clock, logger } = this.opts;
    try {
      const wanted = [this.topic('receipts'), this.topic('commands')];
      // Subscribe before flushing events, so a fast receipt is not published into the void.
      // The retained directory comes with the subscription; a broker whose ACL predates it may
      // refuse it, which only leaves the gateway on its last directory (or accepting every device).
      const granted = await client.subscribeAsync([...wanted, this.topic('directory')], { qos: 1 });
      const denied = granted.filter((g) => g.qos === 128).map((g) => g.topic);
      const fatal = denied.filter((t) => wanted.includes(t));
      if (fatal.length > 0) throw new GatewayError('TRYGG_GW_SUBSCRIBE_DENIED', fatal.join(', '));
      if (denied.length > fatal.length) {
        logger.warn({ err: new GatewayError('TRYGG_GW_SUBSCRIBE_DENIED', this.topic('directory')) }, 'no device directory from this broker; keeping the last one');
      }
      const status: GatewayStatus = {
        v: 1,
        siteId,
        gatewayId,
        state: 'online',
        at: new Date(clock.now()).toISOString(),
        ...this.opts.describe(),
      };
      await client.publishAsync(this.topic('status'), encodePayload(status), { qos: 1, retain: true });
      if (this.client !== client || !client.connected) return;
      logger.info({ url: this.opts.url }, 'uplink up');
      this.setUp(true);
    } catch (err) {
      // The link stays "down" for us; the next reconnect tries again.
      logger.error({ err }, 'uplink setup after connect failed');
    }
  }

  private onMessage(topic: string, payload: Buffer): void {
    try {
      if (topic === this.topic('receipts')) {
        const decoded = decodePayload(payload, validateReceipt);
        if (decoded.ok) this.emit('receipt', decoded.value);
        else this.emit('rejected', 'receipts', decoded.reason, decoded.errors);
      } else if (topic === this.topic('commands')) {
        const decoded = decodePayload(payload, validateDeviceCommand);
        if (decoded.ok) this.emit('command', decoded.value);
        else this.emit('rejected', 'commands', decoded.reason, decoded.errors);
      } else if (topic === this.topic('directory')) {
        // An empty retained payload is the server clearing the topic.
        if (payload.byteLength === 0) return void this.emit('directory', null);
        const decoded = decodePayload(payload, validateDeviceDirectory, MAX_DEVICE_DIRECTORY_BYTES);
        if (decoded.ok) this.emit('directory', decoded.value);
        else this.emit('rejected', 'directory', decoded.reason, decoded.errors);
      }
    } catch (err) {
      this.opts.logger.error({ err, topic }, 'uplink message handling failed');
    }
  }

  private setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    this.emit(up ? 'up' : 'down');
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  // A real timer is fine here: this is the I/O edge, bounding a wait on the network.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
