import { classifyAction, commonReading, EMERGENCY_ACTIONS, readAction, readFlag, type ZigbeeConverter } from './zigbee-converter';

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
    const reading = commonReading(payload);
    const flags = [readFlag(payload, 'sos'), readFlag(payload, 'emergency')];
    if (flags.includes(true)) reading.alarm = true;
    else if (flags.includes(false)) reading.alarm = false;
    classifyAction(reading, readAction(payload), options.pressActions ?? pressActions);
    return reading;
  },
};
