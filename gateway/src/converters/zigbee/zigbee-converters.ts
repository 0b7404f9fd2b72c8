import { feibitConverters } from './feibit';
import { genericSosConverter } from './generic';
import { heimanConverters } from './heiman';
import { multirConverters } from './multir';
import { orviboConverters } from './orvibo';
import { owonConverters } from './owon';
import { tuyaConverters } from './tuya';
import type { ZigbeeConverter } from './zigbee-converter';

export { genericSosConverter } from './generic';
export * from './zigbee-converter';

/** Every model-specific converter; adding a vendor family is adding a file and a line here. */
export const zigbeeConverters: readonly ZigbeeConverter[] = [
  ...tuyaConverters,
  ...feibitConverters,
  ...owonConverters,
  ...heimanConverters,
  ...multirConverters,
  ...orviboConverters,
];

const byModel = new Map<string, ZigbeeConverter>();
for (const converter of zigbeeConverters) {
  for (const model of converter.match.models) byModel.set(model.toLowerCase(), converter);
}

/** The converter of a Zigbee2MQTT model id (case-insensitive), or undefined for an unknown model. */
export function findZigbeeConverter(model: string): ZigbeeConverter | undefined {
  return byModel.get(model.trim().toLowerCase());
}

/** The converter a configured device uses: its model's, else the field-keyed generic fallback. */
export function zigbeeConverterFor(model: string | undefined): ZigbeeConverter {
  return (model === undefined ? undefined : findZigbeeConverter(model)) ?? genericSosConverter;
}
