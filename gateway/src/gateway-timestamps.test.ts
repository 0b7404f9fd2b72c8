import { once } from 'node:events';
import { systemClock, topics, validateDeviceEvent, type Clock, type DeviceEvent, type HeartbeatBatch } from '@trygg/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { MqttProbe, on } from '../../test/support/mqtt-probe';
import fixtures from './converters/zigbee/fixtures/zigbee2mqtt-sos-payloads.simulated.json';
import { GatewayScene, SITE } from './test-support/gateway-fixture';
import { digestId } from './transports/zigbee2mqtt/zigbee-device-tracker';
import type { Zigbee2MqttTransportConfig } from './transports/zigbee2mqtt/zigbee2mqtt-config';

/** The gateway's clock; every timer stays real, only "now" is pinned, so `at` is predictable. */
const NOW = Date.parse('2026-03-04T09:15:00.000Z');
const clock: Clock = { ...systemClock, now: () => NOW };
const RECEIVED = new Date(NOW).toISOString();
const press = fixtures.TS0215A_sos[1]!; // { battery, voltage, action: 'emergency', linkquality }

describe('gateway: a press is never dropped for a bad device timestamp', () => {
  let scene: GatewayScene;
  let z2m: MqttProbe | undefined;

  afterEach(async () => {
    await z2m?.close();
    z2m = undefined;
    await scene.close();
  });

  it.each([
    ['in microseconds', 1772615700000000, 'out-of-range'],
    ['in year 10000, as milliseconds', 253402300800000, 'out-of-range'],
    ['in year 10000, as text', '10000-01-01T00:00:00.000Z', 'unparseable'],
  ] as const)('Zigbee2MQTT last_seen %s: the press goes out with the gateway receive time, logged and counted', async (_name, lastSeen, problem) => {
    scene = await GatewayScene.create({ gatewayId: 'gw-z2m-time', separateDeviceBroker: true });
    const transport: Zigbee2MqttTransportConfig = {
      kind: 'zigbee2mqtt', url: scene.deviceBroker.url, reconnectPeriodMs: 100,
      devices: [{ friendlyName: 'Reception/SOS', deviceId: 'reception-sos', model: 'TS0215A_sos' }],
    };
    const gateway = await scene.startGateway({ transports: [transport], clock });
    z2m = await MqttProbe.connect(scene.deviceBroker.url);
    await z2m.publishJson('zigbee2mqtt/Reception/SOS', { ...press, last_seen: lastSeen });

    const eventId = `reception-sos-${digestId('Reception/SOS', 'press', String(lastSeen))}`;
    const m = await scene.server.waitFor(on(scene.topic('events'), { eventId }));
    expect(validateDeviceEvent(m.json).ok).toBe(true);
    expect(m.json).toMatchObject({ kind: 'press', deviceId: 'reception-sos', at: RECEIVED });
    // The press and the heartbeat the same payload carries.
    expect(gateway.stats.deviceClockReplaced).toEqual({ [problem]: 2 });
    const batch = await scene.server.waitFor(
      (s) => s.topic === scene.topic('heartbeats') && (s.json as HeartbeatBatch).devices.some((d) => d.deviceId === 'reception-sos'),
    );
    expect((batch.json as HeartbeatBatch).devices).toContainEqual(expect.objectContaining({ deviceId: 'reception-sos', at: RECEIVED }));
  });

  it('an MQTT device press with a year-10000 or numeric `at` is kept (it used to be rejected as schema) and stamped with the receive time', async () => {
    scene = await GatewayScene.create({ gatewayId: 'gw-mqtt-time' });
    const gateway = await scene.startGateway({ clock });
    await scene.press('interview-1', 'y10k', { at: '10000-01-01T00:00:00Z' });
    await scene.device.publishJson(topics.device(SITE, 'interview-2', 'up'), { v: 1, type: 'press', msgId: 'num', seq: 2, at: 1772615700000 });
    await scene.device.publishJson(topics.device(SITE, 'interview-3', 'up'), { v: 1, type: 'press', msgId: 'far', seq: 3, at: '2027-03-04T09:15:00Z' });

    for (const eventId of ['interview-1-y10k', 'interview-2-num', 'interview-3-far']) {
      const m = await scene.server.waitFor(on(scene.topic('events'), { eventId }));
      expect(m.json).toMatchObject({ kind: 'press', at: RECEIVED });
      expect(validateDeviceEvent(m.json).ok).toBe(true);
    }
    expect(gateway.stats.rejected).toEqual({});
    expect(gateway.stats.messagesSalvaged).toBe(2);
    expect(gateway.stats.deviceClockReplaced).toEqual({ unparseable: 2, ahead: 1 });
  });

  it('a believable device time is kept as sent', async () => {
    scene = await GatewayScene.create({ gatewayId: 'gw-mqtt-time-ok' });
    const gateway = await scene.startGateway({ clock });
    const at = '2026-03-04T10:14:30+01:00';
    await scene.press('interview-1', 'fine', { at });
    const [event] = (await once(gateway, 'stored')) as [DeviceEvent];
    expect(event.at).toBe(at);
    expect(gateway.stats.deviceClockReplaced).toEqual({});
  });
});
