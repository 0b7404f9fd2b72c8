import { connectDeviceBroker } from '../device-broker-client';
import type { DeviceBinding, DeviceCommand, DeviceMessage } from '@trygg/protocol';
import type { IPublishPacket, MqttClient } from 'mqtt';
import { zigbeeConverterFor, findZigbeeConverter, type ZigbeeConverter } from '../../converters/zigbee/zigbee-converters';
import { GatewayError } from '../../errors';
import type { DeviceTransport, TransportContext } from '../device-transport';
import { ZigbeeDeviceTracker, type TrackerNote } from './zigbee-device-tracker';
import { checkZigbee2MqttConfig, DEFAULT_BASE_TOPIC, type Zigbee2MqttDeviceConfig, type Zigbee2MqttTransportConfig } from './zigbee2mqtt-config';
import { decodeAvailabilityPayload, decodeStatePayload } from './zigbee2mqtt-payloads';
import { parseZigbee2MqttTopic, zigbee2mqttSubscriptions } from './zigbee2mqtt-topics';

export type { Zigbee2MqttDeviceConfig, Zigbee2MqttTransportConfig } from './zigbee2mqtt-config';

/** Counters of one Zigbee2MQTT transport, for logs and tests. They only ever grow. */
export interface Zigbee2MqttStats {
  /** Distinct friendly names heard that are not configured (each counted once). */
  unknownNames: number;
  /** Presses dropped as replays of one already produced (same `last_seen` or retained bytes). */
  duplicatePresses: number;
  /** Presses without `last_seen` dropped by the debounce. */
  debouncedPresses: number;
  /** DeviceCommands accepted and dropped: Zigbee SOS buttons have no feedback LED. */
  commandsIgnored: number;
}

interface ConfiguredDevice {
  config: Zigbee2MqttDeviceConfig;
  converter: ZigbeeConverter;
  pressActions: ReadonlySet<string> | undefined;
  tracker: ZigbeeDeviceTracker;
  /** Actions already logged as "not an emergency on this device". */
  otherActionsLogged: Set<string>;
}

const MAX_UNKNOWN_NAMES_REMEMBERED = 1000;

/**
 * SOS buttons paired with Zigbee2MQTT, heard on the broker Zigbee2MQTT publishes to (often an
 * external Mosquitto, separate from Trygg's). Each configured friendly name maps to a Trygg
 * device; its payloads go through the model's converter and a per-device tracker that produces
 * each physical press once (see zigbee-device-tracker.ts and docs/zigbee2mqtt.md).
 *
 * The session is persistent (clean: false) with QoS 1 subscriptions, so payloads Zigbee2MQTT
 * publishes at QoS 1 while the gateway is away are queued by the broker.
 */
export class Zigbee2MqttDeviceTransport implements DeviceTransport {
  readonly kind = 'zigbee2mqtt';
  readonly stats: Zigbee2MqttStats = { unknownNames: 0, duplicatePresses: 0, debouncedPresses: 0, commandsIgnored: 0 };
  private readonly config: Zigbee2MqttTransportConfig;
  private readonly baseTopic: string;
  private byName = new Map<string, ConfiguredDevice>();
  private deviceIds = new Set<string>();
  private readonly unknownNames = new Set<string>();
  private client: MqttClient | null = null;
  private connected = false;
  /** Zigbee2MQTT's own state from `<base>/bridge/state`; unknown counts as online. */
  private bridgeOnline = true;
  private up = false;

  constructor(
    private readonly ctx: TransportContext,
    config: Zigbee2MqttTransportConfig,
  ) {
    this.config = checkZigbee2MqttConfig(config);
    this.baseTopic = this.config.baseTopic ?? DEFAULT_BASE_TOPIC;
    this.use(this.config.devices);
  }

  /**
   * Friendly names from the server's device directory (console device form) join the ones of
   * this transport's settings; for the same device id the directory's name wins. A device whose
   * name and model did not change keeps its tracker (a press in progress is not cut in two).
   */
  applyBindings(bindings: ReadonlyMap<string, DeviceBinding>): void {
    const bound: Zigbee2MqttDeviceConfig[] = [...bindings].flatMap(([deviceId, b]) =>
      (b.zigbeeFriendlyName === undefined ? [] : [{ deviceId, friendlyName: b.zigbeeFriendlyName, ...(b.zigbeeModel !== undefined && { model: b.zigbeeModel }) }]));
    const boundIds = new Set(bound.map((d) => d.deviceId));
    const boundNames = new Set(bound.map((d) => d.friendlyName));
    const devices = [...this.config.devices.filter((d) => !boundIds.has(d.deviceId) && !boundNames.has(d.friendlyName)), ...bound];
    const before = new Set(this.byName.keys());
    this.use(devices);
    const added = [...this.byName.keys()].filter((n) => !before.has(n));
    const removed = [...before].filter((n) => !this.byName.has(n));
    if (added.length + removed.length > 0) this.ctx.logger.info({ added, removed, devices: this.byName.size }, 'Zigbee2MQTT devices changed by the device directory');
    // `<base>/+` covers plain names; a name with `/` has topics of its own.
    const client = this.client;
    if (client && this.connected) {
      const subscribe = zigbee2mqttSubscriptions(this.baseTopic, added).filter((t) => added.some((n) => n.includes('/') && t.startsWith(`${this.baseTopic}/${n}`)));
      const unsubscribe = zigbee2mqttSubscriptions(this.baseTopic, removed).filter((t) => removed.some((n) => n.includes('/') && t.startsWith(`${this.baseTopic}/${n}`)));
      if (subscribe.length > 0) client.subscribeAsync(subscribe, { qos: 1 }).catch((err: unknown) => this.ctx.logger.error({ err, topics: subscribe }, 'Zigbee2MQTT subscription failed'));
      if (unsubscribe.length > 0) client.unsubscribeAsync(unsubscribe).catch((err: unknown) => this.ctx.logger.warn({ err, topics: unsubscribe }, 'Zigbee2MQTT unsubscribe failed'));
    }
  }

  private use(devices: readonly Zigbee2MqttDeviceConfig[]): void {
    const byName = new Map<string, ConfiguredDevice>();
    for (const device of devices) {
      const kept = this.byName.get(device.friendlyName);
      if (kept && kept.config.deviceId === device.deviceId && kept.config.model === device.model) {
        byName.set(device.friendlyName, kept);
        continue;
      }
      if (device.model !== undefined && !findZigbeeConverter(device.model)) {
        this.ctx.logger.warn({ friendlyName: device.friendlyName, model: device.model }, 'unknown Zigbee model; using the generic SOS converter');
      }
      byName.set(device.friendlyName, {
        config: device,
        converter: zigbeeConverterFor(device.model),
        pressActions: device.pressActions ? new Set(device.pressActions) : undefined,
        tracker: new ZigbeeDeviceTracker({ friendlyName: device.friendlyName, clock: this.ctx.clock, debounceMs: this.config.pressDebounceMs }),
        otherActionsLogged: new Set(),
      });
    }
    this.byName = byName;
    this.deviceIds = new Set(devices.map((d) => d.deviceId));
    for (const name of byName.keys()) this.unknownNames.delete(name);
  }

  async start(): Promise<void> {
    const { siteId, gatewayId, logger } = this.ctx;
    const client = connectDeviceBroker(this.config, { clientId: `trygg-gw-${siteId}-${gatewayId}-z2m`, reconnectPeriodMs: 1000 }, {
      // An external broker that refuses us (restarting, auth backend not ready) is retried too.
      reconnectOnConnackError: true,
    });
    this.client = client;
    client.on('connect', (connack) => void this.onConnect(client, connack.sessionPresent));
    client.on('close', () => {
      this.connected = false;
      this.updateUp();
    });
    client.on('error', (err) => logger.warn({ err: err.message }, 'Zigbee2MQTT broker link error'));
    // Synchronous handler: the PUBACK of a QoS 1 payload follows the outbox commit.
    client.on('message', (topic, payload, packet) => this.onMessage(topic, payload, packet));
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.connected = false;
    this.updateUp();
    if (client) await client.endAsync(!client.connected);
  }

  isUp(): boolean {
    return this.up;
  }

  canAddress(deviceId: string): boolean {
    return this.deviceIds.has(deviceId);
  }

  /** Zigbee SOS buttons have no LED or buzzer Trygg could drive: accepted and dropped. */
  async send(command: DeviceCommand): Promise<void> {
    this.stats.commandsIgnored++;
    this.ctx.logger.debug({ deviceId: command.deviceId, action: command.action }, 'Zigbee device has no feedback; command ignored');
  }

  private async onConnect(client: MqttClient, sessionPresent: boolean): Promise<void> {
    const topics = zigbee2mqttSubscriptions(this.baseTopic, [...this.byName.keys()]);
    try {
      // Retained state and availability are replayed on every subscribe; the trackers fold them.
      const granted = await client.subscribeAsync(topics, { qos: 1 });
      const denied = granted.filter((g) => g.qos === 128).map((g) => g.topic);
      if (denied.length > 0) throw new GatewayError('TRYGG_GW_SUBSCRIBE_DENIED', denied.join(', '));
      if (client !== this.client) return;
      this.ctx.logger.info({ sessionPresent, baseTopic: this.baseTopic, devices: this.byName.size }, 'Zigbee2MQTT link up');
      this.connected = true;
      this.updateUp();
    } catch (err) {
      this.ctx.logger.error({ err, topics }, 'Zigbee2MQTT subscription failed');
    }
  }

  private onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    try {
      const parsed = parseZigbee2MqttTopic(this.baseTopic, topic);
      if (!parsed) return;
      if (parsed.kind === 'bridge-state') return this.onBridgeState(topic, payload);
      const device = this.byName.get(parsed.friendlyName);
      if (!device) return this.noteUnknown(parsed.friendlyName);
      // An empty retained payload is Zigbee2MQTT clearing a removed device's topic.
      if (payload.byteLength === 0) return;
      if (parsed.kind === 'availability') this.onAvailability(device, topic, payload);
      else this.onState(device, topic, payload, packet.retain);
    } catch (err) {
      // Bad input never crashes the gateway (DESIGN.md).
      this.ctx.logger.error({ err, topic }, 'Zigbee2MQTT message handling failed');
    }
  }

  private onState(device: ConfiguredDevice, topic: string, payload: Buffer, retained: boolean): void {
    const decoded = decodeStatePayload(payload);
    if (!decoded.ok) return this.ctx.sink.reject(this.kind, decoded.reason, { topic, errors: decoded.errors });
    const state = decoded.value;
    const reading = device.converter.convert(state, device.pressActions ? { pressActions: device.pressActions } : {});
    const lastSeen = typeof state.last_seen === 'string' || typeof state.last_seen === 'number' ? state.last_seen : undefined;
    const result = device.tracker.state(reading, { lastSeen, retained, payload });
    for (const note of result.notes) this.onNote(device, note);
    this.deliver(device, result.messages);
  }

  private onAvailability(device: ConfiguredDevice, topic: string, payload: Buffer): void {
    const decoded = decodeAvailabilityPayload(payload);
    if (!decoded.ok) return this.ctx.sink.reject(this.kind, decoded.reason, { topic, errors: decoded.errors });
    const messages = device.tracker.availability(decoded.value);
    if (decoded.value === 'offline' && messages.length > 0) {
      this.ctx.logger.warn({ friendlyName: device.config.friendlyName, deviceId: device.config.deviceId }, 'Zigbee2MQTT reports the device offline');
    }
    this.deliver(device, messages);
  }

  /** Zigbee2MQTT down means no Zigbee device can be heard: the link is reported down. */
  private onBridgeState(topic: string, payload: Buffer): void {
    if (payload.byteLength === 0) return;
    const decoded = decodeAvailabilityPayload(payload);
    if (!decoded.ok) return this.ctx.sink.reject(this.kind, decoded.reason, { topic, errors: decoded.errors });
    const online = decoded.value === 'online';
    if (online === this.bridgeOnline) return;
    this.bridgeOnline = online;
    if (online) this.ctx.logger.info('Zigbee2MQTT bridge online');
    else this.ctx.logger.error({ baseTopic: this.baseTopic }, 'Zigbee2MQTT bridge offline: Zigbee buttons cannot be heard');
    this.updateUp();
  }

  private deliver(device: ConfiguredDevice, messages: DeviceMessage[]): void {
    for (const message of messages) {
      this.ctx.sink.input({ deviceId: device.config.deviceId, message, transport: this.kind });
    }
  }

  private onNote(device: ConfiguredDevice, note: TrackerNote): void {
    const log = { friendlyName: device.config.friendlyName, deviceId: device.config.deviceId };
    if (note.kind === 'duplicate-press') {
      this.stats.duplicatePresses++;
      this.ctx.logger.debug(log, 'replayed Zigbee press dropped');
    } else if (note.kind === 'debounced-press') {
      this.stats.debouncedPresses++;
      this.ctx.logger.info(log, 'Zigbee press within the debounce window folded into the previous one');
    } else if (!device.otherActionsLogged.has(note.action) && device.otherActionsLogged.size < 32) {
      device.otherActionsLogged.add(note.action);
      // Safety: an action that raises nothing must be visible, in case it was meant as a call for help.
      this.ctx.logger.warn(
        { ...log, action: note.action, model: device.config.model ?? '(generic)' },
        'Zigbee action is not an emergency for this device; add it to pressActions if it should raise an alarm',
      );
    }
  }

  private noteUnknown(friendlyName: string): void {
    if (this.unknownNames.has(friendlyName)) return;
    this.stats.unknownNames++;
    if (this.unknownNames.size < MAX_UNKNOWN_NAMES_REMEMBERED) this.unknownNames.add(friendlyName);
    this.ctx.logger.info({ friendlyName: friendlyName.slice(0, 200) }, 'Zigbee2MQTT device not configured for Trygg; ignored');
  }

  private updateUp(): void {
    const up = this.connected && this.bridgeOnline;
    if (this.up === up) return;
    this.up = up;
    this.ctx.sink.linkChanged(this.kind, up);
  }
}
