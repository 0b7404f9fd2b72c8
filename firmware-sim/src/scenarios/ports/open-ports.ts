import type { BrokerLogin } from '../../mqtt-connect';
import type { Scenario, ScenarioPort, ScenarioTransport } from '../scenario-types';
import { MqttScenarioPort } from './mqtt-port';
import { SerialScenarioPort, type SerialPortOptions } from './serial-port';
import { ZigbeeScenarioPort, type ZigbeePortOptions } from './zigbee-port';

/** Where each transport's devices are reached; only those a scenario uses are needed. */
export interface ScenarioConnections {
  mqtt?: BrokerLogin & { clientId?: string };
  serial?: SerialPortOptions;
  zigbee?: ZigbeePortOptions;
}

export type ScenarioPorts = Partial<Record<ScenarioTransport, ScenarioPort>>;

/** Opens a port for each transport the scenario uses; closes what it opened if one fails. */
export async function openScenarioPorts(scenario: Scenario, connections: ScenarioConnections): Promise<ScenarioPorts> {
  const ports: ScenarioPorts = {};
  try {
    for (const transport of scenario.transports) {
      if (transport === 'mqtt' && connections.mqtt) ports.mqtt = await MqttScenarioPort.open({ ...connections.mqtt, siteId: scenario.siteId });
      if (transport === 'serial' && connections.serial) ports.serial = new SerialScenarioPort(connections.serial);
      if (transport === 'zigbee' && connections.zigbee) ports.zigbee = await ZigbeeScenarioPort.open(connections.zigbee);
    }
  } catch (err) {
    await closeScenarioPorts(ports);
    throw err;
  }
  return ports;
}

export async function closeScenarioPorts(ports: ScenarioPorts): Promise<void> {
  await Promise.allSettled(Object.values(ports).map((p) => p.close()));
}
