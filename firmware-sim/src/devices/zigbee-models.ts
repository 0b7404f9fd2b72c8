/**
 * How real SOS / emergency buttons look through Zigbee2MQTT: the keys each model's converter
 * (zigbee-herdsman-converters) publishes, taken from gateway/src/converters/zigbee/fixtures.
 * `action` models report a press as an event; `sos` models set an IAS alarm flag that
 * Zigbee2MQTT keeps in its state cache until the device clears it.
 */
export type ZigbeeState = Record<string, unknown>;

export interface ZigbeeModelProfile {
  model: string;
  vendor: string;
  /** How a press shows: an `action` value, or the `sos` flag set then cleared. */
  press: { kind: 'action'; actions: readonly string[] } | { kind: 'sos-flag' };
  /** The state the device reports when idle (battery, voltage, flags), before linkquality. */
  idle: ZigbeeState;
}

export const ZIGBEE_MODELS: readonly ZigbeeModelProfile[] = [
  { model: 'TS0215A_sos', vendor: 'Tuya', press: { kind: 'action', actions: ['emergency'] }, idle: { battery: 100, voltage: 3000 } },
  { model: 'SEB01ZB', vendor: 'Feibit', press: { kind: 'sos-flag' }, idle: { battery: 87, sos: false, tamper: false, battery_low: false } },
  { model: 'PB206', vendor: 'OWON', press: { kind: 'sos-flag' }, idle: { sos: false, battery_low: false } },
  { model: 'HS1EB/HS1EB-E', vendor: 'Heiman', press: { kind: 'action', actions: ['single', 'double', 'hold'] }, idle: { battery: 95 } },
  { model: 'MIR-SO100', vendor: 'MultIR', press: { kind: 'action', actions: ['single', 'double', 'hold'] }, idle: { battery: 76 } },
  { model: 'SE21', vendor: 'ORVIBO', press: { kind: 'action', actions: ['single', 'double', 'hold'] }, idle: {} },
];

export const DEFAULT_ZIGBEE_MODEL = 'TS0215A_sos';

export function findZigbeeModel(model: string): ZigbeeModelProfile | undefined {
  const wanted = model.trim().toLowerCase();
  return ZIGBEE_MODELS.find((p) => p.model.toLowerCase() === wanted || p.model.toLowerCase().split('/').includes(wanted));
}
