import { connectDeviceBroker } from '../device-broker-client';
import type { MqttTls } from '../../uplink/mqtt-tls';
import type { MqttClient } from 'mqtt';
import {
  decodePayload,
  encodePayload,
  parseTopic,
  topics,
  validateDeviceMessage,
  type DeviceCommand,
} from '@trygg/protocol';
import { GatewayError } from '../../errors';
import type { DeviceTransport, TransportContext } from '../device-transport';
import { salvageDeviceMessage } from './device-message-salvage';

export interface MqttTransportConfig {
  kind: 'mqtt';
  url: string;
  username?: string;
  password?: string;
  /** Defaults to `trygg-gw-<site>-<gw>-dev`; distinct from the uplink's client id. */
  clientId?: string;
  reconnectPeriodMs?: number;
  /** For `mqtts://` (gateway/src/uplink/mqtt-tls.ts). */
  tls?: MqttTls;
}

/**
 * Devices that speak MQTT themselves: they publish DeviceMessages on
 * `trygg/v1/sites/<site>/devices/<device>/up` and receive feedback on `.../down`.
 *
 * The session is persistent (clean: false) with a QoS 1 subscription, so presses published while
 * the gateway restarts are queued by the broker and delivered when it is back.
 */
export class MqttDeviceTransport implements DeviceTransport {
  readonly kind = 'mqtt';
  private client: MqttClient | null = null;
  private up = false;

  constructor(
    private readonly ctx: TransportContext,
    private readonly config: MqttTransportConfig,
  ) {}

  async start(): Promise<void> {
    const { siteId, gatewayId, logger } = this.ctx;
    const client = connectDeviceBroker(this.config, { clientId: `trygg-gw-${siteId}-${gatewayId}-dev`, reconnectPeriodMs: 500 });
    this.client = client;
    client.on('connect', (connack) => void this.onConnect(client, connack.sessionPresent));
    client.on('close', () => this.setUp(false));
    client.on('error', (err) => logger.warn({ err: err.message }, 'device MQTT link error'));
    // Synchronous handler: mqtt.js sends the device's PUBACK after 'message' returns, so the
    // PUBACK follows the outbox commit (see DeviceInputSink).
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.setUp(false);
    if (client) await client.endAsync(!client.connected);
  }

  isUp(): boolean {
    return this.up;
  }

  canAddress(): boolean {
    return true; // topics address any device id; a device not listening simply misses it
  }

  async send(command: DeviceCommand): Promise<void> {
    if (!this.client) throw new GatewayError('TRYGG_GW_NO_TRANSPORT_FOR_DEVICE', `${command.deviceId}: mqtt transport stopped`);
    // QoS 1: while the link is down mqtt.js keeps the command and sends it on reconnect.
    await this.client.publishAsync(topics.device(this.ctx.siteId, command.deviceId, 'down'), encodePayload(command), {
      qos: 1,
    });
  }

  private async onConnect(client: MqttClient, sessionPresent: boolean): Promise<void> {
    const topic = topics.allDevicesOfSite(this.ctx.siteId, 'up');
    try {
      const granted = await client.subscribeAsync(topic, { qos: 1 });
      if (granted.some((g) => g.qos === 128)) {
        throw new GatewayError('TRYGG_GW_SUBSCRIBE_DENIED', topic);
      }
      this.ctx.logger.info({ sessionPresent }, 'device MQTT link up');
      this.setUp(true);
    } catch (err) {
      this.ctx.logger.error({ err, topic }, 'device MQTT subscription failed');
    }
  }

  private onMessage(topic: string, payload: Buffer): void {
    const { sink, siteId } = this.ctx;
    try {
      const parsed = parseTopic(topic);
      if (!parsed || parsed.kind !== 'device' || parsed.siteId !== siteId || parsed.channel !== 'up') {
        sink.reject(this.kind, 'bad-topic', { topic, errors: ['topic is not a device up topic of this site'] });
        return;
      }
      // The id is in the topic: refuse an unknown device before reading its payload.
      if (sink.admits && !sink.admits(parsed.deviceId, 'message')) return;
      // Parsed without the schema: a message wrong only in a detail (a bad `at`) is salvaged.
      const decoded = decodePayload(payload, (data) => ({ ok: true, value: data }));
      if (!decoded.ok) {
        sink.reject(this.kind, decoded.reason, { topic, errors: decoded.errors });
        return;
      }
      const salvaged = salvageDeviceMessage(decoded.value);
      if (!salvaged) {
        const checked = validateDeviceMessage(decoded.value);
        sink.reject(this.kind, 'schema', { topic, errors: checked.ok ? [] : checked.errors });
        return;
      }
      sink.input({
        deviceId: parsed.deviceId,
        message: salvaged.message,
        transport: this.kind,
        ...(salvaged.repaired.length > 0 && { repaired: salvaged.repaired }),
      });
    } catch (err) {
      // Bad input never crashes the gateway (docs/architecture.md); the sink logs its own failures too.
      this.ctx.logger.error({ err, topic }, 'device message handling failed');
    }
  }

  private setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    this.ctx.sink.linkChanged(this.kind, up);
  }
}
