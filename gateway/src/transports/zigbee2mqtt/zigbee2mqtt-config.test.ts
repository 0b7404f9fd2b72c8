import { describe, expect, it } from 'vitest';
import { checkZigbee2MqttConfig } from './zigbee2mqtt-config';
import { parseZigbee2MqttTopic, zigbee2mqttSubscriptions } from './zigbee2mqtt-topics';
import { decodeAvailabilityPayload, decodeStatePayload } from './zigbee2mqtt-payloads';

const valid = {
  kind: 'zigbee2mqtt',
  url: 'mqtt://z2m.local:1883',
  devices: [{ friendlyName: 'floor 2/reception/sos', deviceId: 'reception-sos', model: 'TS0215A_sos' }],
};

const problems = (config: unknown): string => {
  try {
    checkZigbee2MqttConfig(config);
    return '';
  } catch (err) {
    expect(err).toMatchObject({ code: 'TRYGG_GW_CONFIG' });
    return (err as Error).message;
  }
};

describe('zigbee2mqtt transport config', () => {
  it('accepts a minimal config and friendly names with slashes and spaces', () => {
    expect(checkZigbee2MqttConfig(valid)).toBe(valid);
  });

  it('reports every problem at once as path: message', () => {
    const message = problems({
      ...valid,
      url: 'http://x',
      baseTopic: 'zigbee2mqtt/',
      devices: [
        { friendlyName: 'a/+', deviceId: 'Bad Id' },
        { friendlyName: 'b', deviceId: 'b', colour: 'red' },
      ],
    });
    expect(message).toContain('transports.zigbee2mqtt.url: must match pattern');
    expect(message).toContain('transports.zigbee2mqtt.baseTopic: must match pattern');
    expect(message).toContain('transports.zigbee2mqtt.devices.0.friendlyName: must match pattern');
    expect(message).toContain('transports.zigbee2mqtt.devices.0.deviceId: must match pattern');
    expect(message).toContain('transports.zigbee2mqtt.devices.1.colour: must NOT have additional properties');
  });

  it('refuses duplicate names and ids, and names Zigbee2MQTT reserves', () => {
    const message = problems({
      ...valid,
      devices: [
        { friendlyName: 'sos', deviceId: 'a' },
        { friendlyName: 'sos', deviceId: 'a' },
        { friendlyName: 'bridge', deviceId: 'c' },
        { friendlyName: 'room/availability', deviceId: 'd' },
        { friendlyName: 'room/set', deviceId: 'e' },
      ],
    });
    expect(message).toContain('devices.1.friendlyName: "sos" is also devices.0');
    expect(message).toContain('devices.1.deviceId: "a" is also devices.0');
    expect(message).toContain('devices.2.friendlyName: "bridge" is reserved');
    expect(message).toContain('devices.3.friendlyName: "room/availability" is reserved');
    expect(message).toContain('devices.4.friendlyName: "room/set" is reserved');
  });
});

describe('zigbee2mqtt topics', () => {
  it('subscribes wildcards for plain names and exact topics for names with slashes', () => {
    expect(zigbee2mqttSubscriptions('z2m', ['plain', 'floor 2/sos'])).toEqual([
      'z2m/+',
      'z2m/+/availability',
      'z2m/bridge/state',
      'z2m/floor 2/sos',
      'z2m/floor 2/sos/availability',
    ]);
  });

  it('reads state, availability and bridge topics, and nothing else', () => {
    expect(parseZigbee2MqttTopic('z2m', 'z2m/floor 2/sos')).toEqual({ kind: 'state', friendlyName: 'floor 2/sos' });
    expect(parseZigbee2MqttTopic('z2m', 'z2m/floor 2/sos/availability')).toEqual({ kind: 'availability', friendlyName: 'floor 2/sos' });
    expect(parseZigbee2MqttTopic('z2m', 'z2m/bridge/state')).toEqual({ kind: 'bridge-state' });
    expect(parseZigbee2MqttTopic('z2m', 'z2m/bridge/devices')).toBeNull();
    expect(parseZigbee2MqttTopic('z2m', 'z2m/availability')).toBeNull();
    expect(parseZigbee2MqttTopic('z2m', 'other/sos')).toBeNull();
  });
});

describe('zigbee2mqtt payloads', () => {
  it('decodes availability in the current JSON and the legacy plain form', () => {
    expect(decodeAvailabilityPayload(Buffer.from('{"state":"offline"}'))).toEqual({ ok: true, value: 'offline' });
    expect(decodeAvailabilityPayload(Buffer.from('online'))).toEqual({ ok: true, value: 'online' });
    expect(decodeAvailabilityPayload(Buffer.from('{"state":1}'))).toMatchObject({ ok: false, reason: 'schema' });
    expect(decodeAvailabilityPayload(Buffer.from('maybe'))).toMatchObject({ ok: false, reason: 'malformed-json' });
  });

  it('decodes state payloads as objects only, size first', () => {
    expect(decodeStatePayload(Buffer.from('{"sos":true}'))).toEqual({ ok: true, value: { sos: true } });
    expect(decodeStatePayload(Buffer.from('null'))).toMatchObject({ ok: false, reason: 'schema' });
    expect(decodeStatePayload(Buffer.alloc(20_000, 0x20))).toMatchObject({ ok: false, reason: 'oversized' });
  });
});
