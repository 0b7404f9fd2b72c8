/** Scenario files (YAML timelines) and the load mode's presses; see docs/simulator.md. */
export { parseDuration, parseUntil, type Until } from './durations';
export { checkScenario, loadScenarioFile, parseScenario, ScenarioError } from './scenario-file';
export { scenarioSchema } from './scenario-schema';
export {
  runScenario,
  type HeardNotice,
  type PlayedAction,
  type ScenarioRun,
  type ScenarioRunOptions,
  type ScenarioSummary,
} from './scenario-runner';
export {
  SCENARIO_TRANSPORTS,
  STEP_KINDS,
  TRANSPORT_ACTIONS,
  type DeviceActionKind,
  type PortAction,
  type PortNotice,
  type Scenario,
  type ScenarioDevice,
  type ScenarioPort,
  type ScenarioStep,
  type ScenarioTransport,
  type StepKind,
} from './scenario-types';
export { closeScenarioPorts, openScenarioPorts, type ScenarioConnections, type ScenarioPorts } from './ports/open-ports';
export { MqttScenarioPort, type MqttPortOptions } from './ports/mqtt-port';
export { SerialScenarioPort, type SerialPortOptions } from './ports/serial-port';
export { ZigbeeScenarioPort, type ZigbeePortOptions } from './ports/zigbee-port';
export { startPressLoad, type PressLoad, type PressLoadOptions } from './press-load';
