import { createAjv, formatSchemaErrors } from '@trygg/protocol';
import { GATEWAY_ERROR_CODES, GatewayError } from '../errors';
import { resolveHidConfig, type HidTransportConfig } from './hid/hid-config';
import { hidModels } from './hid/hid-models';
import { hidTransportSettingsSchema } from './hid/hid-transport-settings';
import { mqttTransportSettingsSchema } from './mqtt/mqtt-transport-settings';
import { serialTransportSettingsSchema } from './serial/serial-transport-settings';
import { checkZigbee2MqttConfig, zigbee2mqttTransportConfigSchema } from './zigbee2mqtt/zigbee2mqtt-config';

/**
 * The JSON Schema of each transport kind's settings, next to each transport's code, composed
 * here by `kind`. The gateway checks its GATEWAY_CONFIG file with it and the server composes it
 * into the configuration schema (`sites[].gateways[].transports[]`), so a typo is refused when
 * the configuration is saved, not when the gateway starts.
 *
 * A new transport adds its schema here and its factory in transport-factories.ts;
 * transport-settings.test.ts fails while the two lists differ.
 */
export const transportSettingsSchemas = {
  mqtt: mqttTransportSettingsSchema,
  serial: serialTransportSettingsSchema,
  hid: hidTransportSettingsSchema,
  zigbee2mqtt: zigbee2mqttTransportConfigSchema,
} as const;

export type TransportSettingsKind = keyof typeof transportSettingsSchemas;

/** One transport entry: `kind` picks the schema. `kinds` limits which kinds are allowed. */
export function transportSettingsSchema(kinds: readonly TransportSettingsKind[] = Object.keys(transportSettingsSchemas) as TransportSettingsKind[]): object {
  return {
    type: 'object',
    required: ['kind'],
    properties: { kind: { enum: kinds } },
    allOf: kinds.map((kind) => {
      const { $id: _id, ...schema } = transportSettingsSchemas[kind] as { $id?: string };
      return { if: { type: 'object', properties: { kind: { const: kind } }, required: ['kind'] }, then: schema };
    }),
  };
}

const validateList = createAjv().compile({ type: 'array', maxItems: 20, items: transportSettingsSchema() });

/**
 * Every problem of a list of transport settings as `path: message` (schema first, then what the
 * transports themselves would refuse when built: HID model details, Zigbee2MQTT names).
 */
export function transportSettingsProblems(list: unknown, root = 'transports'): string[] {
  if (!validateList(list)) return formatSchemaErrors(validateList.errors?.filter((e) => e.keyword !== 'if'), root);
  const problems: string[] = [];
  (list as { kind: TransportSettingsKind }[]).forEach((config, i) => {
    try {
      if (config.kind === 'hid') resolveHidConfig(config as unknown as HidTransportConfig, hidModels);
      if (config.kind === 'zigbee2mqtt') checkZigbee2MqttConfig(config);
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      // The transports' own texts already name the field (`hid.devices.0.model: ...`).
      problems.push(`${root}.${i}: ${err.message.slice(`${err.code}: ${GATEWAY_ERROR_CODES[err.code]}: `.length)}`);
    }
  });
  return problems;
}
