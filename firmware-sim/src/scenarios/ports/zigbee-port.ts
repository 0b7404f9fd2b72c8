import { SimulatedZigbee2Mqtt, type SimulatedZigbee2MqttOptions } from '../../devices/zigbee-bridge';
import { DEFAULT_ZIGBEE_MODEL } from '../../devices/zigbee-models';
import { SimulatorError } from '../../errors';
import type { PortAction, PortNotice, ScenarioPort } from '../scenario-types';

export type ZigbeePortOptions = SimulatedZigbee2MqttOptions;

/**
 * Zigbee SOS buttons behind a simulated Zigbee2MQTT: a press is the model's real payload on
 * `<base>/<friendly name>`, a heartbeat its periodic report (with battery), offline/online its
 * availability. Zigbee2MQTT sends nothing back to a button, so there are no notices.
 */
export class ZigbeeScenarioPort implements ScenarioPort {
  readonly transport = 'zigbee';

  private constructor(private readonly bridge: SimulatedZigbee2Mqtt) {}

  static async open(opts: ZigbeePortOptions): Promise<ZigbeeScenarioPort> {
    return new ZigbeeScenarioPort(await SimulatedZigbee2Mqtt.connect({ qos: 1, ...opts }));
  }

  async send(action: PortAction): Promise<void> {
    const name = action.device.friendlyName ?? action.device.id;
    this.bridge.pair(name, action.device.model ?? DEFAULT_ZIGBEE_MODEL);
    switch (action.kind) {
      case 'press':
        await this.bridge.press(name, action.action === undefined ? {} : { action: action.action });
        return;
      case 'release':
        await this.bridge.release(name);
        return;
      case 'heartbeat':
        await this.bridge.report(name, action.battery === undefined ? {} : { battery: action.battery });
        return;
      case 'offline':
      case 'online':
        await this.bridge.availability(name, action.kind);
        return;
      default:
        throw new SimulatorError('TRYGG_SIM_CONFIG', `a Zigbee SOS button cannot send ${action.kind}`);
    }
  }

  onNotice(_listener: (n: PortNotice) => void): void {}

  /** Clears the retained availability it left, then disconnects. */
  async close(): Promise<void> {
    await this.bridge.clearRetained();
    await this.bridge.close();
  }
}
