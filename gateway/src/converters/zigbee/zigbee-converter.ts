/**
 * Pure converters from Zigbee2MQTT state payloads (topic `<base>/<friendly_name>`) to what a
 * payload says about an SOS button, one file per vendor family (`{match, convert()}`,
 * like zigbee-herdsman-converters `src/devices/<vendor>.ts`). No I/O, no clock, no memory: which
 * reading is a new press is decided by the transport's device tracker.
 */

/** A Zigbee2MQTT state payload: a JSON object; real devices add keys we never read. */
export type ZigbeePayload = Record<string, unknown>;

/** What one state payload says, in the converter's words; every field is optional. */
export interface ZigbeeReading {
  /**
   * An `action` that means "help" on this model. Actions are events: Zigbee2MQTT never keeps
   * them in its state cache, so each payload carrying one stands for one physical press.
   */
  pressAction?: string;
  /** A non-empty `action` that is not an emergency on this model (logged once by the transport). */
  otherAction?: string;
  /**
   * A level alarm flag (`sos`, `emergency`: the IAS zone alarm bit). Zigbee2MQTT keeps it in its
   * state cache and repeats it in every later payload, so only a change from not-true to true
   * is a press, and true to false a release.
   */
  alarm?: boolean;
  tamper?: boolean;
  batteryLow?: boolean;
  /** Battery in percent, an integer 0-100. */
  battery?: number;
}

export interface ZigbeeConvertOptions {
  /** Per-device override of the actions that mean "help" (config `pressActions`). */
  pressActions?: ReadonlySet<string>;
}

export interface ZigbeeConverter {
  /** Vendor family, for logs and docs. */
  readonly vendor: string;
  /** Zigbee2MQTT model ids (`definition.model`, as in the frontend) this converter handles. */
  readonly match: { readonly models: readonly string[] };
  /** The actions that mean "help" on these models when the device config does not say. */
  readonly pressActions: ReadonlySet<string>;
  convert(payload: ZigbeePayload, options?: ZigbeeConvertOptions): ZigbeeReading;
}

/** Actions meaning "help" on any device: what generic SOS buttons report. */
export const EMERGENCY_ACTIONS: readonly string[] = ['emergency', 'sos', 'panic'];

/** Battery percent as Trygg carries it, or undefined when the payload has no usable number. */
export function readBattery(payload: ZigbeePayload): number | undefined {
  const raw = payload.battery;
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return undefined;
  return Math.min(100, Math.max(0, Math.round(raw)));
}

/** A boolean field; Zigbee2MQTT always sends booleans, but some converters use 'ON'/'OFF'. */
export function readFlag(payload: ZigbeePayload, key: string): boolean | undefined {
  const raw = payload[key];
  if (typeof raw === 'boolean') return raw;
  if (raw === 'ON' || raw === 'on' || raw === 'true') return true;
  if (raw === 'OFF' || raw === 'off' || raw === 'false') return false;
  return undefined;
}

/**
 * The `action` of a payload, or undefined for none. Empty strings and null are Zigbee2MQTT's
 * reset payloads (1.x publishes `"action": ""` right after each action): never a press.
 */
export function readAction(payload: ZigbeePayload): string | undefined {
  const raw = payload.action;
  return typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined;
}

/** The fields every converter reads the same way (the vendor files and the generic fallback). */
export function commonReading(payload: ZigbeePayload): ZigbeeReading {
  const reading: ZigbeeReading = {};
  const battery = readBattery(payload);
  if (battery !== undefined) reading.battery = battery;
  const tamper = readFlag(payload, 'tamper');
  if (tamper !== undefined) reading.tamper = tamper;
  const batteryLow = readFlag(payload, 'battery_low');
  if (batteryLow !== undefined) reading.batteryLow = batteryLow;
  return reading;
}

const NO_RESET_ACTIONS: ReadonlySet<string> = new Set();

/** An `action` is a press when it is one of `press`, nothing when one of `reset`, else another action. */
export function classifyAction(reading: ZigbeeReading, action: string | undefined, press: ReadonlySet<string>, reset: ReadonlySet<string> = NO_RESET_ACTIONS): void {
  if (action === undefined || reset.has(action)) return;
  if (press.has(action)) reading.pressAction = action;
  else reading.otherAction = action;
}

/**
 * A button that reports presses as `action` values (Tuya `emergency`, Heiman/ORVIBO/MultIR
 * `single|double|hold`). `resetActions` are values that mean "back to idle" (ORVIBO `off`).
 */
export function actionButton(def: {
  vendor: string;
  models: readonly string[];
  pressActions: readonly string[];
  resetActions?: readonly string[];
}): ZigbeeConverter {
  const pressActions = new Set(def.pressActions);
  const resetActions = new Set(def.resetActions ?? []);
  return {
    vendor: def.vendor,
    match: { models: def.models },
    pressActions,
    convert(payload, options = {}) {
      const reading = commonReading(payload);
      classifyAction(reading, readAction(payload), options.pressActions ?? pressActions, resetActions);
      return reading;
    },
  };
}

/**
 * An IAS zone SOS button (Feibit, OWON ...): `sos: true` while the alarm bit is set, `sos: false`
 * when the device clears it. An `action` is still honoured if a firmware sends one.
 */
export function iasSosButton(def: { vendor: string; models: readonly string[]; alarmKey?: string }): ZigbeeConverter {
  const pressActions = new Set(EMERGENCY_ACTIONS);
  const alarmKey = def.alarmKey ?? 'sos';
  return {
    vendor: def.vendor,
    match: { models: def.models },
    pressActions,
    convert(payload, options = {}) {
      const reading = commonReading(payload);
      const alarm = readFlag(payload, alarmKey);
      if (alarm !== undefined) reading.alarm = alarm;
      classifyAction(reading, readAction(payload), options.pressActions ?? pressActions);
      return reading;
    },
  };
}
