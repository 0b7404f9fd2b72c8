export {
  connectSimulator,
  DeviceSimulator,
  type FeedbackListener,
  type SendOptions,
  type SentMessage,
  type SimulatorOptions,
} from './simulator';
export { SimulatedButton } from './devices/simulated-button';
export { startHeartbeatLoad, type HeartbeatLoad, type HeartbeatLoadOptions } from './heartbeat-load';
export { readConfiguredDevices, formatDeviceTable, DEMO_CONFIG_PATH, type ConfiguredDevice } from './demo-devices';
export { parseCliArgs, loadDeviceIds, USAGE, type CliCommand, type ParsedCli } from './cli/cli-args';
export { runCli, type CliIo } from './cli/run-cli';
export { SimulatorError, type SimulatorErrorCode } from './errors';
export type { BrokerLogin } from './mqtt-connect';
