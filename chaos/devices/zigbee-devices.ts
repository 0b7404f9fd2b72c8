import { DEFAULT_ZIGBEE_MODEL, SimulatedZigbee2Mqtt } from '@trygg/firmware-sim';
import type { PressRecord } from '../press-record';
import type { DeviceDriver } from './device-driver';

/** Zigbee2MQTT's friendly name of a chaos button (with a space, as people name them). */
export const friendlyNameOf = (deviceId: string) => `SOS ${deviceId}`;
export const ZIGBEE_MODEL = DEFAULT_ZIGBEE_MODEL;

/**
 * Zigbee SOS buttons behind Zigbee2MQTT, played by firmware-sim's bridge on the chaos
 * Mosquitto. A Zigbee button sends once and cannot retransmit; Zigbee2MQTT publishes its state
 * with QoS 1 (the documented setting for Trygg), so the press is handed over when the broker
 * PUBACKs it, and from then on the broker's persistent session for the gateway must keep it.
 */
export class ZigbeeDevices implements DeviceDriver {
  readonly transport = 'zigbee' as const;
  private inFlight = 0;
  private failures = 0;
  private constructor(private readonly bridge: SimulatedZigbee2Mqtt) {}

  static async connect(url: string, deviceIds: readonly string[]): Promise<ZigbeeDevices> {
    const bridge = await SimulatedZigbee2Mqtt.connect({ url, qos: 1, clientId: `chaos-zigbee2mqtt-${process.pid}`, lastSeen: 'ISO_8601' });
    for (const id of deviceIds) bridge.pair(friendlyNameOf(id), ZIGBEE_MODEL);
    await bridge.bridgeState('online');
    return new ZigbeeDevices(bridge);
  }

  press(record: PressRecord): void {
    this.inFlight++;
    this.bridge.press(friendlyNameOf(record.deviceId)).then(
      () => {
        record.confirmedAt = Date.now();
      },
      () => {
        this.failures++;
      },
    ).finally(() => this.inFlight--);
  }

  waiting(): number {
    return this.inFlight;
  }

  figures(): Record<string, number | string> {
    return { 'publish errors': this.failures };
  }

  async close(): Promise<void> {
    await this.bridge.close();
  }
}
