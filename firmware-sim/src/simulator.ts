import { performance } from 'node:perf_hooks';
import type { MqttClient } from 'mqtt';
import {
  decodePayload,
  encodePayload,
  isValidId,
  parseTopic,
  topics,
  validateDeviceCommand,
  type DeviceCommand,
  type DeviceMessage,
  type DeviceMessageType,
} from '@trygg/protocol';
import { SimulatedButton } from './devices/simulated-button';
import { SimulatorError } from './errors';
import { MessageIds } from './message-ids';
import { connectOnce, type BrokerLogin } from './mqtt-connect';

export interface SimulatorOptions extends BrokerLogin {
  siteId: string;
  clientId?: string;
  /** Reconnect period after the first successful connect; default 1000 ms. */
  reconnectPeriodMs?: number;
  /** Told about link errors after the first connect (which throws instead). */
  onError?: (err: Error) => void;
}

export interface SentMessage {
  msgId: string;
  seq: number;
  /** performance.now() just before the publish, for press-to-console latency figures. */
  sentAt: number;
}

export interface SendOptions {
  battery?: number;
  /** Device clock time; defaults to now. `null` sends no time, like a device without a clock. */
  at?: string | null;
}

export type FeedbackListener = (deviceId: string, command: DeviceCommand) => void;

/**
 * MQTT devices of one site on one connection: publishes DeviceMessages on each device's `up`
 * topic (QoS 1) and hears feedback on every device's `down` topic.
 */
export class DeviceSimulator {
  private readonly ids = new MessageIds();
  private readonly listeners = new Set<FeedbackListener>();
  private closed = false;

  constructor(
    private readonly client: MqttClient,
    readonly siteId: string,
  ) {
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  press(deviceId: string, opts?: SendOptions): Promise<SentMessage> {
    return this.send(deviceId, 'press', opts);
  }

  release(deviceId: string, opts?: SendOptions): Promise<SentMessage> {
    return this.send(deviceId, 'release', opts);
  }

  cancel(deviceId: string, opts?: SendOptions): Promise<SentMessage> {
    return this.send(deviceId, 'cancel', opts);
  }

  heartbeat(deviceId: string, battery?: number): Promise<SentMessage> {
    return this.send(deviceId, 'heartbeat', battery === undefined ? {} : { battery });
  }

  /** Publishes one message and resolves on the broker's PUBACK. */
  async send(deviceId: string, type: DeviceMessageType, opts: SendOptions = {}): Promise<SentMessage> {
    if (this.closed) throw new SimulatorError('TRYGG_SIM_CLOSED', 'simulator is closed');
    if (!isValidId(deviceId)) throw new SimulatorError('TRYGG_SIM_CONFIG', `invalid device id "${deviceId}"`);
    const { msgId, seq } = this.ids.next(deviceId);
    const at = opts.at === undefined ? new Date().toISOString() : opts.at;
    const message: DeviceMessage = {
      v: 1,
      type,
      msgId,
      seq,
      ...(at !== null && { at }),
      ...(opts.battery !== undefined && { battery: opts.battery }),
    };
    const sentAt = performance.now();
    await this.client.publishAsync(topics.device(this.siteId, deviceId, 'up'), encodePayload(message), { qos: 1 });
    return { msgId, seq, sentAt };
  }

  /** Calls `listener` for every valid feedback command; returns a function that unsubscribes. */
  onFeedback(listener: FeedbackListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  button(deviceId: string): SimulatedButton {
    return new SimulatedButton(this, deviceId);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.client.endAsync(!this.client.connected);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic);
    if (!parsed || parsed.kind !== 'device' || parsed.channel !== 'down') return;
    const decoded = decodePayload(payload, validateDeviceCommand);
    // A real device ignores what it cannot understand; so does the simulator.
    if (!decoded.ok) return;
    for (const listener of this.listeners) listener(parsed.deviceId, decoded.value);
  }
}

export async function connectSimulator(opts: SimulatorOptions): Promise<DeviceSimulator> {
  if (!isValidId(opts.siteId)) throw new SimulatorError('TRYGG_SIM_CONFIG', `invalid site id "${opts.siteId}"`);
  const client = await connectOnce(opts, {
    clientId: opts.clientId,
    reconnectPeriod: opts.reconnectPeriodMs ?? 1000,
  });
  client.on('error', (err) => opts.onError?.(err));
  // Subscribe before the first press, so the "received" feedback cannot slip past.
  await client.subscribeAsync(topics.allDevicesOfSite(opts.siteId, 'down'), { qos: 1 });
  return new DeviceSimulator(client, opts.siteId);
}
