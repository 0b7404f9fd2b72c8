import { GatewayError } from '../errors';
import type { DeviceTransport, TransportContext } from './device-transport';
import { MqttDeviceTransport, type MqttTransportConfig } from './mqtt/mqtt-device-transport';
import { SerialDeviceTransport, type SerialTransportConfig } from './serial/serial-device-transport';
import { HidDeviceTransport, type HidTransportConfig } from './hid/hid-device-transport';
import { Zigbee2MqttDeviceTransport, type Zigbee2MqttTransportConfig } from './zigbee2mqtt/zigbee2mqtt-device-transport';

/** Every configurable transport; serial, HID and Zigbee2MQTT configs join this union. */
export type DeviceTransportConfig = MqttTransportConfig | SerialTransportConfig | HidTransportConfig | Zigbee2MqttTransportConfig;
export type DeviceTransportKind = DeviceTransportConfig['kind'];

type FactoryMap = {
  [K in DeviceTransportKind]: (ctx: TransportContext, config: Extract<DeviceTransportConfig, { kind: K }>) => DeviceTransport;
};

export const transportFactories: FactoryMap = {
  mqtt: (ctx, config) => new MqttDeviceTransport(ctx, config),
  serial: (ctx, config) => new SerialDeviceTransport(ctx, config),
  hid: (ctx, config) => new HidDeviceTransport(ctx, config),
  zigbee2mqtt: (ctx, config) => new Zigbee2MqttDeviceTransport(ctx, config),
};

export function createTransport(ctx: TransportContext, config: DeviceTransportConfig): DeviceTransport {
  // Looked up by the config's own kind, so each factory gets its own config type.
  const factory = (transportFactories as unknown as Record<string, ((c: TransportContext, cfg: DeviceTransportConfig) => DeviceTransport) | undefined>)[config.kind];
  if (!factory) throw new GatewayError('TRYGG_GW_UNKNOWN_TRANSPORT', String((config as { kind: unknown }).kind));
  return factory(ctx, config);
}
