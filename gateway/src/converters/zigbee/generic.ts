import {
  EMERGENCY_ACTIONS,
  readAction,
  readBattery,
  readFlag,
  type ZigbeeConverter,
  type ZigbeeReading,
} from './zigbee-converter';

const pressActions: ReadonlySet<string> = new Set(EMERGENCY_ACTIONS);

/**
 * The fallback for a device whose `model` is not configured or not known: keyed on the fields
 * Zigbee2MQTT uses for SOS buttons across vendors. `sos`/`emergency` flags are level alarms;
 * `action` counts only when it names an emergency (or is in the device's `pressActions`), so a
 * generic multi-purpose button does not raise alarms on `single` unless the config says so.
 */
export const genericSosConverter: ZigbeeConverter = {
  vendor: 'generic',
  match: { models: [] },
  pressActions,
  convert(payload, options = {}) {
    const reading: ZigbeeReading = {};
    const battery = readBattery(payload);
    if (battery !== undefined) reading.battery = battery;
    const tamper = readFlag(payload, 'tamper');
    if (tamper !== undefined) reading.tamper = tamper;
    const batteryLow = readFlag(payload, 'battery_low');
    if (batteryLow !== undefined) reading.batteryLow = batteryLow;
    const flags = [readFlag(payload, 'sos'), readFlag(payload, 'emergency')];
    if (flags.includes(true)) reading.alarm = true;
    else if (flags.includes(false)) reading.alarm = false;
    const action = readAction(payload);
    if (action !== undefined) {
      if ((options.pressActions ?? pressActions).has(action)) reading.pressAction = action;
      else reading.otherAction = action;
    }
    return reading;
  },
};
