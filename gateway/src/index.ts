export { startGateway, outboxFile, type Gateway, type GatewayEvents, type GatewayOptions, type MqttEndpoint } from './gateway';
export type { GatewayStats } from './gateway-stats';
export { GatewayError, GATEWAY_ERROR_CODES, type GatewayErrorCode } from './errors';
export { eventIdFor } from './event-id';
export type { Outbox, OutboxEntry } from './outbox/outbox';
export { SqliteOutbox } from './outbox/sqlite-outbox';
export type {
  DeviceInput,
  DeviceInputSink,
  DeviceTransport,
  InputRejectReason,
  TransportContext,
} from './transports/device-transport';
export { createTransport, transportFactories, type DeviceTransportConfig, type DeviceTransportKind } from './transports/transport-factories';
export type { MqttTransportConfig } from './transports/mqtt/mqtt-device-transport';
export { hidModels } from './transports/hid/hid-models';
export { transportSettingsProblems, transportSettingsSchema, transportSettingsSchemas, type TransportSettingsKind } from './transports/transport-settings';
