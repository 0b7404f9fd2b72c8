import { GatewayError } from '../errors';
import type { DeviceTransport, TransportContext } from './device-transport';
import { MqttDeviceTransport, type MqttTransportConfig } from './mqtt/mqtt-device-transport';

/** Every configurable transport; serial, HID and Zigbee2MQTT configs join this union. */
export type DeviceTransportConfig = MqttTransportConfig;
export type DeviceTransportKind = DeviceTransportConfig['kind'];

type FactoryMap = {
  [K in DeviceTransportKind]: (ctx: TransportContext, config: Extract<DeviceTransportConfig, { kind: K }>) => DeviceTransport;
};

export const transportFactories: FactoryMap = {
  mqtt: (ctx, config) => new MqttDeviceTransport(ctx, config),
};

export function createTransport(ctx: TransportContext, config: DeviceTransportConfig): DeviceTransport {
  const factory = (transportFactories as Record<string, FactoryMap[DeviceTransportKind] | undefined>)[config.kind];
  if (!factory) throw new GatewayError('TRYGG_GW_UNKNOWN_TRANSPORT', String((config as { kind: unknown }).kind));
  return factory(ctx, config);
}
