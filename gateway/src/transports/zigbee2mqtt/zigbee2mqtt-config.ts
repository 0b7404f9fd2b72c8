import { createAjv, formatSchemaErrors, ID_PATTERN } from '@trygg/protocol';
import { GatewayError } from '../../errors';

/** One Zigbee2MQTT device that is a Trygg device. */
export interface Zigbee2MqttDeviceConfig {
  /** The device's `friendly_name` in Zigbee2MQTT (may contain `/`, spaces, non-ASCII). */
  friendlyName: string;
  /** The Trygg device id it stands for (lowercase letters, digits, `_`, `-`). */
  deviceId: string;
  /** Zigbee2MQTT model id (e.g. `TS0215A_sos`); picks the converter, else the generic one. */
  model?: string;
  /** Overrides the `action` values that mean "help" for this device (e.g. only `["hold"]`). */
  pressActions?: string[];
}

export interface Zigbee2MqttTransportConfig {
  kind: 'zigbee2mqtt';
  /** The broker Zigbee2MQTT publishes to; often a separate, external one (Mosquitto). */
  url: string;
  username?: string;
  password?: string;
  /** Zigbee2MQTT's `mqtt.base_topic`; default `zigbee2mqtt`. */
  baseTopic?: string;
  devices: Zigbee2MqttDeviceConfig[];
  /** Defaults to `trygg-gw-<site>-<gw>-z2m`. */
  clientId?: string;
  /** Default 1000; reconnects go on forever. */
  reconnectPeriodMs?: number;
  /** Without `last_seen`, presses of one device closer together than this are one; default 2000. */
  pressDebounceMs?: number;
}

export const DEFAULT_BASE_TOPIC = 'zigbee2mqtt';

/** An MQTT topic part without wildcards or NUL; `/` allowed inside, not at the ends. */
const TOPIC_PATH = '^(?!/)(?!.*/$)(?!.*//)[^#+\\u0000]{1,200}$';

export const zigbee2mqttTransportConfigSchema = {
  $id: 'trygg/gateway/transport-zigbee2mqtt',
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'url', 'devices'],
  properties: {
    kind: { const: 'zigbee2mqtt' },
    url: { type: 'string', pattern: '^(mqtts?|tcp|tls|wss?)://.' },
    username: { type: 'string' },
    password: { type: 'string' },
    baseTopic: { type: 'string', pattern: TOPIC_PATH },
    clientId: { type: 'string', minLength: 1, maxLength: 128 },
    reconnectPeriodMs: { type: 'integer', minimum: 10, maximum: 600000 },
    pressDebounceMs: { type: 'integer', minimum: 0, maximum: 60000 },
    devices: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['friendlyName', 'deviceId'],
        properties: {
          friendlyName: { type: 'string', pattern: TOPIC_PATH },
          deviceId: { type: 'string', pattern: ID_PATTERN },
          model: { type: 'string', minLength: 1, maxLength: 100 },
          pressActions: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1, maxLength: 100 } },
        },
      },
    },
  },
} as const;

const validate = createAjv().compile(zigbee2mqttTransportConfigSchema);

/** Friendly names Zigbee2MQTT reserves or that would collide with its per-device sub-topics. */
const RESERVED_NAME = /(^bridge(\/|$))|(\/(set|get|availability)$)|(^(set|get|availability)$)/;

/**
 * Checks the config and returns every problem as `path: message` inside one TRYGG_GW_CONFIG
 * error, so an operator fixes them all at once.
 */
export function checkZigbee2MqttConfig(config: unknown): Zigbee2MqttTransportConfig {
  if (!validate(config)) {
    throw new GatewayError('TRYGG_GW_CONFIG', `zigbee2mqtt transport: ${formatSchemaErrors(validate.errors, 'transports.zigbee2mqtt').join('; ')}`);
  }
  const checked = config as unknown as Zigbee2MqttTransportConfig;
  const problems: string[] = [];
  const names = new Map<string, number>();
  const ids = new Map<string, number>();
  checked.devices.forEach((device, i) => {
    const path = `transports.zigbee2mqtt.devices.${i}`;
    if (RESERVED_NAME.test(device.friendlyName)) problems.push(`${path}.friendlyName: "${device.friendlyName}" is reserved by Zigbee2MQTT`);
    const name = names.get(device.friendlyName);
    if (name !== undefined) problems.push(`${path}.friendlyName: "${device.friendlyName}" is also devices.${name}`);
    else names.set(device.friendlyName, i);
    const id = ids.get(device.deviceId);
    if (id !== undefined) problems.push(`${path}.deviceId: "${device.deviceId}" is also devices.${id}`);
    else ids.set(device.deviceId, i);
  });
  if (problems.length > 0) throw new GatewayError('TRYGG_GW_CONFIG', `zigbee2mqtt transport: ${problems.join('; ')}`);
  return checked;
}
