import type { MqttClient } from 'mqtt';
import {
  decodePayload,
  encodePayload,
  isValidId,
  parseTopic,
  topics,
  validateDeviceCommand,
  type DeviceMessage,
  type DeviceMessageType,
} from '@trygg/protocol';
import { SimulatorError } from '../../errors';
import { MessageIds } from '../../message-ids';
import { connectOnce, type BrokerLogin } from '../../mqtt-connect';
import { untilAt } from '../durations';
import type { PortAction, PortNotice, ScenarioPort } from '../scenario-types';

export interface MqttPortOptions extends BrokerLogin {
  siteId: string;
  clientId?: string;
}

/**
 * MQTT devices of one site (fixed buttons and portable alarms) on one connection: every action
 * becomes a DeviceMessage on the device's `up` topic at QoS 1, with location, `until` and PIN
 * where the step gives them; feedback on the `down` topics comes back as notices.
 */
export class MqttScenarioPort implements ScenarioPort {
  readonly transport = 'mqtt';
  private readonly ids = new MessageIds();
  private readonly listeners: ((n: PortNotice) => void)[] = [];

  private constructor(
    private readonly client: MqttClient,
    private readonly siteId: string,
  ) {
    client.on('message', (topic, payload) => {
      const parsed = parseTopic(topic);
      if (!parsed || parsed.kind !== 'device' || parsed.channel !== 'down') return;
      const decoded = decodePayload(payload, validateDeviceCommand);
      if (!decoded.ok) return;
      for (const l of this.listeners) l({ deviceId: parsed.deviceId, what: decoded.value.action });
    });
  }

  static async open(opts: MqttPortOptions): Promise<MqttScenarioPort> {
    if (!isValidId(opts.siteId)) throw new SimulatorError('TRYGG_SIM_CONFIG', `invalid site id "${opts.siteId}"`);
    const client = await connectOnce(opts, { clientId: opts.clientId, reconnectPeriod: 1000 });
    client.on('error', () => {}); // reconnects; a failed publish shows on its step
    await client.subscribeAsync(topics.allDevicesOfSite(opts.siteId, 'down'), { qos: 1 });
    return new MqttScenarioPort(client, opts.siteId);
  }

  async send(action: PortAction): Promise<void> {
    if (action.kind === 'offline' || action.kind === 'online') throw new SimulatorError('TRYGG_SIM_CONFIG', `mqtt devices have no ${action.kind} message`);
    const { msgId, seq } = this.ids.next(action.device.id);
    const message: DeviceMessage = {
      v: 1,
      type: action.kind satisfies DeviceMessageType,
      msgId,
      seq,
      at: new Date(action.now).toISOString(),
      ...(action.battery !== undefined && { battery: action.battery }),
      ...(action.location && { location: action.location }),
      ...(action.until && { until: untilAt(action.until, action.now) }),
      ...(action.pin !== undefined && { pin: action.pin }),
    };
    await this.client.publishAsync(topics.device(this.siteId, action.device.id, 'up'), encodePayload(message), { qos: 1 });
  }

  onNotice(listener: (n: PortNotice) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    await this.client.endAsync(!this.client.connected);
  }
}
