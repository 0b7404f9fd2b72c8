import { readFileSync } from 'node:fs';
import { FakeClock } from '@trygg/protocol';
import { genericSosConverter, zigbeeConverters, type ZigbeeConverter } from '../../gateway/src/converters/zigbee/zigbee-converters';
import { ZigbeeDeviceTracker } from '../../gateway/src/transports/zigbee2mqtt/zigbee-device-tracker';
import { decodeAvailabilityPayload, decodeStatePayload } from '../../gateway/src/transports/zigbee2mqtt/zigbee2mqtt-payloads';
import { parseZigbee2MqttTopic } from '../../gateway/src/transports/zigbee2mqtt/zigbee2mqtt-topics';
import { bytes, text, type FuzzTarget } from '../target';

/**
 * Zigbee2MQTT payloads as the gateway's Zigbee2MQTT transport handles them: decodeStatePayload
 * (size, JSON, "an object"; result objects), every model's converter plus the generic one, and
 * a device tracker fed the reading live and as a retained replay, with `last_seen` taken from the
 * payload exactly as the transport does; availability payloads and topics too. Seeds: the payloads
 * of real SOS button models in gateway/src/converters/zigbee/fixtures/.
 */
const fixture = JSON.parse(readFileSync(new URL('../../gateway/src/converters/zigbee/fixtures/zigbee2mqtt-sos-payloads.simulated.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const payloads = Object.values(fixture).flatMap((v) => (Array.isArray(v) ? v : [])).filter((p): p is Record<string, unknown> => typeof p === 'object' && p !== null);
const converters: ZigbeeConverter[] = [...zigbeeConverters, genericSosConverter];
const clock = new FakeClock();
let ids = 0;

export const zigbee2mqttTarget: FuzzTarget = {
  name: 'zigbee2mqtt-payloads',
  seeds: [
    ...payloads.map((p) => bytes(JSON.stringify(p))),
    ...payloads.slice(0, 3).map((p) => bytes(JSON.stringify({ ...p, last_seen: '2026-01-05T09:00:00.000Z' }))),
    bytes(JSON.stringify({ action: 'emergency', last_seen: 1767603600000 })),
    bytes('{"state":"online"}'), bytes('offline'), bytes('{"action":""}'), bytes('{"action":null}'),
  ],
  dictionary: ['"action":', '"emergency"', '"sos"', '"single"', '"tamper":', '"battery_low":', '"battery":', '"last_seen":', '"state":"online"', 'ON', 'OFF',
    '1767603600000000', '"+275760-09-13T00:00:00.000Z"', '8.64e15', '-1', 'NaN'],
  structured: { values: payloads, encode: (value) => bytes(JSON.stringify(value) ?? 'null') },
  run(input) {
    const decoded = decodeStatePayload(input);
    if (decoded.ok) {
      const state = decoded.value;
      const lastSeen = typeof state.last_seen === 'string' || typeof state.last_seen === 'number' ? state.last_seen : undefined;
      for (const converter of converters) {
        const reading = converter.convert(state, {});
        converter.convert(state, { pressActions: new Set(['single', 'hold']) });
        const tracker = new ZigbeeDeviceTracker({ friendlyName: 'fuzz/button', clock, randomId: () => `id-${ids++}` });
        tracker.state(reading, { lastSeen, retained: false, payload: input });
        tracker.state(reading, { lastSeen, retained: true, payload: input });
      }
    }
    const availability = decodeAvailabilityPayload(input);
    if (availability.ok) new ZigbeeDeviceTracker({ friendlyName: 'fuzz', clock }).availability(availability.value);
    parseZigbee2MqttTopic('zigbee2mqtt', text(input));
  },
  isTypedError: () => false,
};
