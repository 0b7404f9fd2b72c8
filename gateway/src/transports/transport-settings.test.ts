import { describe, expect, it } from 'vitest';
import { transportFactories } from './transport-factories';
import { transportSettingsProblems, transportSettingsSchemas } from './transport-settings';

/** A working example of each transport kind. */
const examples: Record<string, Record<string, unknown>> = {
  mqtt: { kind: 'mqtt', url: 'mqtt://127.0.0.1:1883', username: 'gw', password: 'pw', reconnectPeriodMs: 1000 },
  serial: { kind: 'serial', path: '/dev/serial/by-id/usb-receiver', baudRate: 9600, devices: ['desk-5'], name: 'serial-hall' },
  hid: { kind: 'hid', devices: [{ deviceId: 'desk-1', model: 'trygg-panic-v1' }, { deviceId: 'foot-1', model: 'pcsensor-footswitch', serialNumber: 'A1' }] },
  zigbee2mqtt: { kind: 'zigbee2mqtt', url: 'mqtt://127.0.0.1:1883', devices: [{ friendlyName: 'hall/sos 1', deviceId: 'sos-1', model: 'TS0215A_sos' }] },
};

describe('transport settings schemas', () => {
  it('every transport the gateway can build has a settings schema, and no schema lacks a factory', () => {
    expect(Object.keys(transportSettingsSchemas).sort()).toEqual(Object.keys(transportFactories).sort());
  });

  it.each(Object.keys(examples))('%s: the example passes', (kind) => {
    expect(transportSettingsProblems([examples[kind]])).toEqual([]);
  });

  it.each(Object.keys(examples))('%s: only the kind is refused, naming the missing fields', (kind) => {
    const found = transportSettingsProblems([{ kind }]);
    expect(found.length).toBeGreaterThan(0);
    for (const p of found) expect(p).toMatch(/^transports\.0\.[A-Za-z]+: must have required property/);
  });

  it.each(Object.keys(examples))('%s: a misspelt field is refused by name', (kind) => {
    expect(transportSettingsProblems([{ ...examples[kind], reconectMs: 10 }])).toEqual(['transports.0.reconectMs: must NOT have additional properties']);
  });

  it('an unknown kind is refused with the known ones', () => {
    expect(transportSettingsProblems([{ kind: 'carrier-pigeon' }])).toEqual(['transports.0.kind: must be one of mqtt, serial, hid, zigbee2mqtt']);
  });

  it('each entry is checked against its own kind, with its index', () => {
    expect(transportSettingsProblems([examples.mqtt, { kind: 'serial', path: '' }, { kind: 'hid', devices: [{ deviceId: 'x', model: 'nope' }] }])).toEqual([
      'transports.1.path: must NOT have fewer than 1 characters',
      'transports.2.devices.0.model: must be one of trygg-panic-v1, pcsensor-footswitch, generic-keyboard-button',
    ]);
  });

  it('what the transports check beyond the schema is reported too (HID ids that go together, Zigbee2MQTT duplicate names)', () => {
    expect(transportSettingsProblems([{ kind: 'hid', devices: [{ deviceId: 'g', model: 'generic-keyboard-button', vendorId: 1 }] }]))
      .toEqual([expect.stringMatching(/^transports\.0: hid\.devices\.0: vendorId and productId go together/)]);
    const twice = { friendlyName: 'hall/sos', deviceId: 'sos-1' };
    expect(transportSettingsProblems([{ kind: 'zigbee2mqtt', url: 'mqtt://h', devices: [twice, { ...twice, deviceId: 'sos-2' }] }]))
      .toEqual([expect.stringMatching(/^transports\.0: zigbee2mqtt transport: .*friendlyName: "hall\/sos" is also devices\.0/)]);
  });

  it('a configuration that is not a list is refused, not thrown', () => {
    expect(transportSettingsProblems({ kind: 'serial' })).toEqual(['transports: must be array']);
  });
});
