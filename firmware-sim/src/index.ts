export {
  connectSimulator,
  DeviceSimulator,
  type FeedbackListener,
  type ReliableSendOptions,
  type SendOptions,
  type SentMessage,
  type SimulatorOptions,
} from './simulator';
export { SimulatedButton } from './devices/simulated-button';
export { DEFAULT_MAX_RESEND_MS, DEFAULT_RESEND_MS, type ConfirmedMessage, type ReliableOptions } from './reliable-send';
export { startHeartbeatLoad, type HeartbeatLoad, type HeartbeatLoadOptions } from './heartbeat-load';
export { readConfiguredDevices, formatDeviceTable, DEMO_CONFIG_PATH, type ConfiguredDevice } from './demo-devices';
export { parseCliArgs, loadDeviceIds, USAGE, type CliCommand, type ParsedCli } from './cli/cli-args';
export { runCli, type CliIo } from './cli/run-cli';
export { SimulatorError, type SimulatorErrorCode } from './errors';
export type { BrokerLogin } from './mqtt-connect';
export {
  SimulatedSerialReceiver,
  PtyPair,
  requireSocat,
  type SentSerialEvent,
  type SerialEventOptions,
  type SerialFeedback,
  type SerialReceiverEvents,
  type SerialReceiverOptions,
} from './serial';
export { SimulatedHidPanicButton } from './devices/hid-panic-button';
export { SimulatedHidKeyboardButton, type HidKeyboardButtonOptions } from './devices/hid-keyboard-button';
export { hidReportStream, type HidButtonDevice, type HidButtonStep, type RecordedHidReport } from './devices/hid-report-stream';
export { SimulatedZigbee2Mqtt, type SimulatedZigbee2MqttOptions } from './devices/zigbee-bridge';
export { ZIGBEE_MODELS, DEFAULT_ZIGBEE_MODEL, findZigbeeModel, type ZigbeeModelProfile, type ZigbeeState } from './devices/zigbee-models';
export * from './scenarios/index';
