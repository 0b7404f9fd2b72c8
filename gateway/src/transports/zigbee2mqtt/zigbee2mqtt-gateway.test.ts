import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedZigbee2Mqtt } from '@trygg/firmware-sim';
import { GatewayScene } from '../../test-support/gateway-fixture';
import { on } from '../../../../test/support/mqtt-probe';
import { digestId } from './zigbee-device-tracker';
import type { Zigbee2MqttTransportConfig } from './zigbee2mqtt-config';

describe('gateway with a Zigbee2MQTT transport on a separate broker', () => {
  let scene: GatewayScene;
  let z2m: SimulatedZigbee2Mqtt;
  let transport: Zigbee2MqttTransportConfig;

  beforeEach(async () => {
    scene = await GatewayScene.create({ gatewayId: 'gw-zigbee', separateDeviceBroker: true });
    z2m = await SimulatedZigbee2Mqtt.connect({ url: scene.deviceBroker.url, retain: true, qos: 1 });
    transport = {
      kind: 'zigbee2mqtt',
      url: scene.deviceBroker.url,
      reconnectPeriodMs: 100,
      devices: [{ friendlyName: 'Reception/SOS', deviceId: 'reception-sos', model: 'TS0215A_sos' }],
    };
  });

  afterEach(async () => {
    await z2m.close();
    await scene.close();
  });

  it('stores a press once, also when a restarted gateway hears the retained payload again', async () => {
    const first = await scene.startGateway({ transports: [transport] });
    expect(first.links()).toEqual({ uplink: true, zigbee2mqtt: true });
    const [payload] = await z2m.press('Reception/SOS');
    const eventId = `reception-sos-${digestId('Reception/SOS', 'press', String(payload!.last_seen))}`;
    await scene.server.waitFor(on(scene.topic('events'), { eventId, kind: 'press', battery: 100, at: payload!.last_seen }));
    await scene.server.waitFor(on(scene.topic('heartbeats')));

    // No receipt yet: the event is still in the outbox when the gateway restarts.
    await first.stop();
    const second = await scene.startGateway({ transports: [transport] });
    await new Promise<void>((resolve) => {
      const check = () => (second.stats.eventsAlreadyPending > 0 ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(second.stats.eventsStored).toBe(0);
    expect(second.outboxDepth()).toBe(1);
  });
});
