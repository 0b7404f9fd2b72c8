import type { MqttClient } from 'mqtt';
import { SimulatorError } from '../errors';
import { connectOnce, type BrokerLogin } from '../mqtt-connect';
import { DEFAULT_ZIGBEE_MODEL, findZigbeeModel, ZIGBEE_MODELS, type ZigbeeModelProfile, type ZigbeeState } from './zigbee-models';

export interface SimulatedZigbee2MqttOptions extends BrokerLogin {
  /** Zigbee2MQTT's `mqtt.base_topic`; default `zigbee2mqtt`. */
  baseTopic?: string;
  /** Zigbee2MQTT's `advanced.last_seen`; default `ISO_8601`. */
  lastSeen?: 'ISO_8601' | 'epoch' | 'disable';
  /** Per-device `retain` (Zigbee2MQTT default false). Availability is always retained. */
  retain?: boolean;
  /** Per-device `qos` (Zigbee2MQTT default 0). */
  qos?: 0 | 1;
  /** Zigbee2MQTT 1.x publishes `"action": ""` right after each action; `null` on some setups. */
  actionReset?: 'empty' | 'null' | 'none';
  clientId?: string;
  /** Clock for `last_seen`; default Date.now. */
  now?: () => number;
}

interface SimDevice {
  profile: ZigbeeModelProfile;
  /** Zigbee2MQTT's state cache of the device (`cache_state: true`, the default). */
  cache: ZigbeeState;
  lastSeenMs: number;
}

/**
 * Plays Zigbee2MQTT with SOS buttons paired: publishes real-shaped state payloads on
 * `<base>/<friendly_name>` (cached state merged in, `action` never cached, `last_seen`), retained
 * availability on `<base>/<friendly_name>/availability` and `<base>/bridge/state`.
 * Every method resolves once the payloads are handed to the broker and returns them.
 */
export class SimulatedZigbee2Mqtt {
  readonly baseTopic: string;
  private readonly devices = new Map<string, SimDevice>();
  private readonly retainedTopics = new Set<string>();
  private readonly now: () => number;

  private constructor(
    private readonly client: MqttClient,
    private readonly opts: SimulatedZigbee2MqttOptions,
  ) {
    this.baseTopic = opts.baseTopic ?? 'zigbee2mqtt';
    this.now = opts.now ?? Date.now;
  }

  static async connect(opts: SimulatedZigbee2MqttOptions): Promise<SimulatedZigbee2Mqtt> {
    const client = await connectOnce(opts, { clientId: opts.clientId, reconnectPeriod: 500 });
    return new SimulatedZigbee2Mqtt(client, opts);
  }

  /** Pairs a device (idempotent): its model decides the payload shape. */
  pair(friendlyName: string, model = DEFAULT_ZIGBEE_MODEL): void {
    const known = this.devices.get(friendlyName);
    if (known && known.profile.model === findZigbeeModel(model)?.model) return;
    const profile = findZigbeeModel(model);
    if (!profile) {
      throw new SimulatorError('TRYGG_SIM_CONFIG', `unknown Zigbee model "${model}" (known: ${ZIGBEE_MODELS.map((m) => m.model).join(', ')})`);
    }
    if (friendlyName === '' || /[#+\u0000]/.test(friendlyName) || friendlyName.startsWith('/') || friendlyName.endsWith('/')) {
      throw new SimulatorError('TRYGG_SIM_CONFIG', `"${friendlyName}" is not a valid Zigbee2MQTT friendly name`);
    }
    this.devices.set(friendlyName, { profile, cache: { ...profile.idle, linkquality: 132 }, lastSeenMs: 0 });
  }

  /** One physical press: the model's action (or `action` given), or its `sos` flag set. */
  async press(friendlyName: string, opts: { model?: string; action?: string } = {}): Promise<ZigbeeState[]> {
    const device = this.device(friendlyName, opts.model);
    const { press } = device.profile;
    if (press.kind === 'sos-flag') return [await this.publishState(friendlyName, device, { sos: true })];
    const action = opts.action ?? press.actions[0]!;
    const sent = [await this.publishState(friendlyName, device, {}, { action })];
    const reset = this.opts.actionReset ?? 'none';
    if (reset !== 'none') sent.push(await this.publishState(friendlyName, device, {}, { action: reset === 'empty' ? '' : null }, false));
    return sent;
  }

  /** The device's "back to idle": `sos` cleared, or an action reset payload for action models. */
  async release(friendlyName: string, opts: { model?: string } = {}): Promise<ZigbeeState> {
    const device = this.device(friendlyName, opts.model);
    if (device.profile.press.kind === 'sos-flag') return this.publishState(friendlyName, device, { sos: false });
    return this.publishState(friendlyName, device, {}, { action: '' }, false);
  }

  /** A periodic report: battery, tamper, battery_low ... merged into the cached state. */
  async report(friendlyName: string, changes: ZigbeeState = {}, opts: { model?: string } = {}): Promise<ZigbeeState> {
    return this.publishState(friendlyName, this.device(friendlyName, opts.model), changes);
  }

  /** Zigbee2MQTT's availability of a device (always retained); `legacy` sends plain text. */
  async availability(friendlyName: string, state: 'online' | 'offline', opts: { legacy?: boolean } = {}): Promise<void> {
    await this.publish(`${this.baseTopic}/${friendlyName}/availability`, opts.legacy ? state : JSON.stringify({ state }), true);
  }

  /** Zigbee2MQTT's own state (its MQTT last will is `offline`). */
  async bridgeState(state: 'online' | 'offline'): Promise<void> {
    await this.publish(`${this.baseTopic}/bridge/state`, JSON.stringify({ state }), true);
  }

  /** Anything on `<base>/<suffix>`: malformed payloads, unknown names. */
  async publishRaw(suffix: string, payload: string | Buffer, opts: { retain?: boolean } = {}): Promise<void> {
    await this.publish(`${this.baseTopic}/${suffix}`, payload, opts.retain ?? false);
  }

  /** Removes every retained message this simulator left on the broker. */
  async clearRetained(): Promise<void> {
    for (const topic of this.retainedTopics) await this.client.publishAsync(topic, '', { qos: 1, retain: true });
    this.retainedTopics.clear();
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }

  private device(friendlyName: string, model: string | undefined): SimDevice {
    if (model !== undefined || !this.devices.has(friendlyName)) this.pair(friendlyName, model ?? DEFAULT_ZIGBEE_MODEL);
    return this.devices.get(friendlyName)!;
  }

  /**
   * Publishes cache + changes (+ uncached extras such as `action`), with a fresh `last_seen`
   * unless `newFrame` is false (a reset payload repeats the press's `last_seen`).
   */
  private async publishState(friendlyName: string, device: SimDevice, changes: ZigbeeState, uncached: ZigbeeState = {}, newFrame = true): Promise<ZigbeeState> {
    Object.assign(device.cache, changes);
    if (newFrame) device.lastSeenMs = Math.max(this.now(), device.lastSeenMs + 1);
    const payload: ZigbeeState = { ...device.cache, ...uncached };
    const lastSeen = this.opts.lastSeen ?? 'ISO_8601';
    if (lastSeen === 'ISO_8601') payload.last_seen = new Date(device.lastSeenMs).toISOString();
    else if (lastSeen === 'epoch') payload.last_seen = device.lastSeenMs;
    await this.publish(`${this.baseTopic}/${friendlyName}`, JSON.stringify(payload), this.opts.retain ?? false);
    return payload;
  }

  private async publish(topic: string, payload: string | Buffer, retain: boolean): Promise<void> {
    if (retain) this.retainedTopics.add(topic);
    await this.client.publishAsync(topic, payload, { qos: this.opts.qos ?? 0, retain });
  }
}
