import { performance } from 'node:perf_hooks';
import type { MqttClient } from 'mqtt';
import {
  decodePayload,
  encodePayload,
  isValidId,
  parseTopic,
  topics,
  systemClock,
  validateDeviceCommand,
  type Clock,
  type DeviceCommand,
  type DeviceMessage,
  type DeviceMessageType,
} from '@trygg/protocol';
import { SimulatedButton } from './devices/simulated-button';
import { SimulatorError } from './errors';
import { MessageIds } from './message-ids';
import { connectOnce, type BrokerLogin } from './mqtt-connect';
import { ReliableSend, type ConfirmedMessage, type ReliableOptions } from './reliable-send';

export interface SimulatorOptions extends BrokerLogin {
  siteId: string;
  clientId?: string;
  /** Reconnect period after the first successful connect; default 1000 ms. */
  reconnectPeriodMs?: number;
  /** Told about link errors after the first connect (which throws instead). */
  onError?: (err: Error) => void;
  /** Timers of the reliable press/cancel re-sends; default the system clock. */
  clock?: Clock;
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

/** `pressReliably` / `cancelReliably`: SendOptions plus the re-send backoff and an optional deadline. */
export type ReliableSendOptions = SendOptions & ReliableOptions;

export type FeedbackListener = (deviceId: string, command: DeviceCommand) => void;

/**
 * MQTT devices of one site on one connection: publishes DeviceMessages on each device's `up`
 * topic (QoS 1) and hears feedback on every device's `down` topic.
 */
export class DeviceSimulator {
  private readonly ids = new MessageIds();
  private readonly listeners = new Set<FeedbackListener>();
  /** Messages repeated until confirmed, by `<deviceId> <msgId>`. */
  private readonly pending = new Map<string, ReliableSend>();
  private closed = false;

  constructor(
    private readonly client: MqttClient,
    readonly siteId: string,
    private readonly clock: Clock = systemClock,
  ) {
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('connect', () => {
      for (const send of this.pending.values()) send.reconnected();
    });
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

  /**
   * A press as a Trygg device makes it (docs/protocol.md, "Delivery contract"): published, then
   * published again with the same msgId and seq on a backoff until the server's confirmation (a
   * command carrying this msgId) arrives on the device's down topic. Survives broker restarts.
   */
  pressReliably(deviceId: string, opts?: ReliableSendOptions): Promise<ConfirmedMessage> {
    return this.sendReliably(deviceId, 'press', opts);
  }

  /** A cancel repeated until confirmed, like `pressReliably`. */
  cancelReliably(deviceId: string, opts?: ReliableSendOptions): Promise<ConfirmedMessage> {
    return this.sendReliably(deviceId, 'cancel', opts);
  }

  /**
   * The messages waiting for their confirmation: publishes made so far, and re-sends skipped
   * because the previous copy had no PUBACK yet (offline: it waits in the client's queue).
   */
  waiting(): { deviceId: string; msgId: string; attempts: number; skipped: number }[] {
    return [...this.pending.entries()].map(([key, send]) => ({ deviceId: key.slice(0, key.indexOf(' ')), msgId: send.msgId, attempts: send.attemptsMade, skipped: send.skipped }));
  }

  heartbeat(deviceId: string, battery?: number): Promise<SentMessage> {
    return this.send(deviceId, 'heartbeat', battery === undefined ? {} : { battery });
  }

  /** Publishes one message and resolves on the broker's PUBACK. */
  async send(deviceId: string, type: DeviceMessageType, opts: SendOptions = {}): Promise<SentMessage> {
    const message = this.message(deviceId, type, opts);
    const sentAt = performance.now();
    await this.client.publishAsync(topics.device(this.siteId, deviceId, 'up'), encodePayload(message), { qos: 1 });
    return { msgId: message.msgId, seq: message.seq, sentAt };
  }

  /** Publishes one message and re-publishes the same bytes until its confirmation arrives. */
  async sendReliably(deviceId: string, type: 'press' | 'cancel', opts: ReliableSendOptions = {}): Promise<ConfirmedMessage> {
    const message = this.message(deviceId, type, opts);
    const topic = topics.device(this.siteId, deviceId, 'up');
    const payload = encodePayload(message);
    const key = pendingKey(deviceId, message.msgId);
    const send = new ReliableSend(
      message.msgId,
      message.seq,
      () => this.client.publishAsync(topic, payload, { qos: 1 }).then(() => undefined),
      this.clock,
      opts,
      `${type} from ${deviceId} (msg ${message.msgId})`,
      () => this.pending.delete(key),
    );
    // Listening before the first publish, so a quick confirmation cannot slip past.
    this.pending.set(key, send);
    send.start();
    return send.done;
  }

  private message(deviceId: string, type: DeviceMessageType, opts: SendOptions): DeviceMessage {
    if (this.closed) throw new SimulatorError('TRYGG_SIM_CLOSED', 'simulator is closed');
    if (!isValidId(deviceId)) throw new SimulatorError('TRYGG_SIM_CONFIG', `invalid device id "${deviceId}"`);
    const { msgId, seq } = this.ids.next(deviceId);
    const at = opts.at === undefined ? new Date().toISOString() : opts.at;
    return {
      v: 1,
      type,
      msgId,
      seq,
      ...(at !== null && { at }),
      ...(opts.battery !== undefined && { battery: opts.battery }),
    };
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
    for (const send of [...this.pending.values()]) send.fail(new SimulatorError('TRYGG_SIM_CLOSED', 'simulator closed before the message was confirmed'));
    await this.client.endAsync(!this.client.connected);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic);
    if (!parsed || parsed.kind !== 'device' || parsed.channel !== 'down') return;
    const decoded = decodePayload(payload, validateDeviceCommand);
    // A real device ignores what it cannot understand; so does the simulator.
    if (!decoded.ok) return;
    const { msgId } = decoded.value;
    // A confirmation is for the device whose down topic it came on, and must name that device.
    if (msgId !== undefined && decoded.value.deviceId === parsed.deviceId) this.pending.get(pendingKey(parsed.deviceId, msgId))?.confirm(decoded.value);
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
  return new DeviceSimulator(client, opts.siteId, opts.clock);
}

function pendingKey(deviceId: string, msgId: string): string {
  return `${deviceId} ${msgId}`;
}
