import { once } from 'node:events';
import { systemClock, type DeviceEvent, type HeartbeatBatch } from '@trygg/protocol';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestBroker } from '../../../test/support/test-broker';
import { UPLINK_BUSY_BYTES, UplinkClient } from './uplink-client';

const event = (n: number, kind: DeviceEvent['kind']): DeviceEvent => ({
  v: 1, eventId: `b-${n}`, siteId: 'demo', gatewayId: 'gw-uplink', deviceId: 'b', kind, seq: n, at: new Date().toISOString(),
});

describe('UplinkClient: alarms never wait behind heartbeats or routine events', () => {
  let broker: TestBroker;
  let uplink: UplinkClient;

  beforeEach(async () => {
    broker = await TestBroker.start();
    uplink = new UplinkClient({
      siteId: 'demo', gatewayId: 'gw-uplink', url: broker.url, logger: pino({ level: 'silent' }), clock: systemClock,
      describe: () => ({ outboxDepth: 0, transports: [] }),
    });
    uplink.start();
    await once(uplink, 'up');
  });

  afterEach(async () => {
    await uplink.stop();
    await broker.stop();
  });

  it('while the socket holds more than UPLINK_BUSY_BYTES unsent, heartbeats and routine events wait and a press goes out', async () => {
    // A slow network, made real: the socket keeps what it is given until uncorked.
    const stream = (uplink as unknown as { client: { stream: NodeJS.WritableStream & { cork(): void; uncork(): void; writableLength: number } } }).client.stream;
    stream.cork();
    const devices = Array.from({ length: 2000 }, (_, i) => ({ deviceId: `device-${i}`, at: new Date().toISOString(), battery: 80 }));
    const batch: HeartbeatBatch = { v: 1, siteId: 'demo', gatewayId: 'gw-uplink', at: new Date().toISOString(), devices };
    expect(uplink.publishHeartbeats(batch)).toBe(true);
    expect(stream.writableLength).toBeGreaterThan(UPLINK_BUSY_BYTES);
    expect(uplink.busy()).toBe(true);

    expect(uplink.publishHeartbeats(batch)).toBe(false);
    expect(uplink.publishEvent(event(1, 'release'))).toBe(false);
    expect(uplink.publishEvent(event(2, 'location'))).toBe(false);
    expect(uplink.publishEvent(event(3, 'press'))).toBe(true);
    expect(uplink.publishEvent(event(4, 'cancel'))).toBe(true);

    stream.uncork();
    await new Promise<void>((resolve) => (stream.writableLength === 0 ? resolve() : stream.once('drain', () => resolve())));
    expect(uplink.busy()).toBe(false);
    expect(uplink.publishEvent(event(5, 'release'))).toBe(true);
  });
});
