import { FakeClock, topics, validateDeviceMessage } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHeartbeatLoad } from './heartbeat-load';
import { MqttProbe, on } from '../../test/support/mqtt-probe';
import { TestBroker } from '../../test/support/test-broker';

describe('startHeartbeatLoad', () => {
  let broker: TestBroker;
  let observer: MqttProbe;

  beforeEach(async () => {
    broker = await TestBroker.start();
    observer = await MqttProbe.connect(broker.url, [topics.allDevicesOfSite('demo', 'up')]);
  });

  afterEach(async () => {
    await observer.close();
    await broker.stop();
  });

  it('heartbeats every device once per interval, spreading devices over connections', async () => {
    const clock = new FakeClock();
    const devices = ['d-1', 'd-2', 'd-3', 'd-4', 'd-5'];
    const load = await startHeartbeatLoad({ url: broker.url, siteId: 'demo', devices, intervalMs: 1000, devicesPerConnection: 2, battery: 70, clock });
    try {
      expect(load.connections).toBe(3);
      clock.advance(999); // connections start staggered at 0, 333 and 666 ms
      expect(load.sent).toBe(5);
      for (const id of devices) {
        const m = await observer.waitFor(on(topics.device('demo', id, 'up'), { type: 'heartbeat' }));
        expect(validateDeviceMessage(m.json).ok).toBe(true);
        expect(m.json).toMatchObject({ battery: 70, seq: 1 });
      }
      clock.advance(1000);
      expect(load.sent).toBe(10);
    } finally {
      await load.stop();
    }
    clock.advance(5000);
    expect(load.sent).toBe(10);
  });

  it('refuses invalid device ids before connecting', async () => {
    await expect(startHeartbeatLoad({ url: broker.url, siteId: 'demo', devices: ['OK?'], intervalMs: 10 })).rejects.toThrow(/invalid device id/);
  });
});
