import { once } from 'node:events';
import { topics, type DeviceDirectory, type DeviceEvent } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { on } from '../../test/support/mqtt-probe';
import type { Gateway } from './gateway';
import { GatewayScene, SITE } from './test-support/gateway-fixture';

const JUNK = 10_000;

function directory(...deviceIds: string[]): DeviceDirectory {
  return { v: 1, at: new Date().toISOString(), devices: deviceIds.map((deviceId) => ({ deviceId })) };
}

/** Resolves once the gateway has refused `count` messages from unknown devices in all. */
function refusals(gateway: Gateway, count: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (gateway.stats.unknownDeviceRefused < count) return;
      gateway.off('refused', check);
      resolve();
    };
    gateway.on('refused', check);
    check();
  });
}

describe('gateway: only devices in the server\'s device directory get in', () => {
  let scene: GatewayScene;

  beforeEach(async () => {
    scene = await GatewayScene.create({ gatewayId: 'gw-admission' });
  });

  afterEach(async () => {
    await scene.close();
  });

  /** The server's retained directory, as server/src/gateway-directory publishes it. */
  async function publishDirectory(d: DeviceDirectory | null): Promise<void> {
    const topic = scene.topic('directory');
    if (d) await scene.server.publishJson(topic, d, { retain: true });
    else await scene.server.client.publishAsync(topic, Buffer.alloc(0), { qos: 1, retain: true });
  }

  it(`refuses ${JUNK.toLocaleString('en')} junk presses from unknown ids before the outbox, and a configured press still goes out first`, async () => {
    await publishDirectory(directory('reception-desk', 'interview-1'));
    const gateway = await scene.startGateway();
    if (!gateway.stats.directoriesReceived) await once(gateway, 'directory');

    // A device account flooding presses for unconfigured ids, at QoS 1 like a real device.
    const up = (n: number) => topics.device(SITE, `junk-${String(n).padStart(5, '0')}`, 'up');
    const sent = Array.from({ length: JUNK }, (_, n) =>
      scene.device.client.publishAsync(up(n), JSON.stringify({ v: 1, type: 'press', msgId: `j${n}`, seq: n }), { qos: 1 }),
    );
    await Promise.all(sent);
    await refusals(gateway, JUNK);
    await scene.press('reception-desk', 'real-1');
    const m = await scene.server.waitFor(on(scene.topic('events'), { eventId: 'reception-desk-real-1' }));

    expect(gateway.stats.unknownDeviceRefused).toBe(JUNK);
    expect(gateway.stats.eventsReceived).toBe(1);
    expect(gateway.outboxDepth()).toBe(1);
    const events = scene.server.seen.filter((s) => s.topic === scene.topic('events'));
    expect(events.map((e) => (e.json as DeviceEvent).deviceId)).toEqual(['reception-desk']);
    expect(m.json).toMatchObject({ kind: 'press', deviceId: 'reception-desk' });
  });

  it('keeps the last directory across a restart with the server (and its retained message) gone', async () => {
    await publishDirectory(directory('reception-desk'));
    const first = await scene.startGateway();
    if (!first.stats.directoriesReceived) await once(first, 'directory');
    await first.stop();

    // A fresh broker on the same port: no retained directory, nobody to publish one.
    await scene.uplinkBroker.stop();
    await scene.uplinkBroker.restart();
    await scene.server.client.subscribeAsync([scene.topic('events')], { qos: 1 });
    await scene.device.client.subscribeAsync([topics.allDevicesOfSite(SITE, 'down')], { qos: 1 });

    const second = await scene.startGateway();
    expect(second.stats.directoriesReceived).toBe(0);
    await scene.press('ghost-button', 'x1');
    await refusals(second, 1);
    await scene.press('reception-desk', 'after-restart');
    await scene.server.waitFor(on(scene.topic('events'), { eventId: 'reception-desk-after-restart' }));
    expect(second.outboxDepth()).toBe(1);
  });

  it('accepts every device until a directory ever arrived, and again once the server clears it', async () => {
    const gateway = await scene.startGateway();
    await scene.press('not-yet-known', 'a');
    await scene.server.waitFor(on(scene.topic('events'), { eventId: 'not-yet-known-a' }));

    const applied = once(gateway, 'directory');
    await publishDirectory(directory('reception-desk'));
    await applied;
    await scene.press('not-yet-known', 'b');
    await refusals(gateway, 1);

    const cleared = once(gateway, 'directory');
    await publishDirectory(null);
    expect(await cleared).toEqual([null]);
    await scene.press('not-yet-known', 'c');
    await scene.server.waitFor(on(scene.topic('events'), { eventId: 'not-yet-known-c' }));
    expect(gateway.stats.unknownDeviceRefused).toBe(1);
  });

  it('refuses heartbeats of unknown devices too, and ignores a directory that fails the schema', async () => {
    await publishDirectory(directory('reception-desk'));
    const gateway = await scene.startGateway();
    if (!gateway.stats.directoriesReceived) await once(gateway, 'directory');
    await scene.device.publishJson(topics.device(SITE, 'ghost', 'up'), { v: 1, type: 'heartbeat', msgId: 'h', seq: 1 });
    await refusals(gateway, 1);
    expect(gateway.stats.heartbeatsReceived).toBe(0);
    // The id is in the topic: an unknown device's payload is not even read (no parse, no schema).
    await scene.device.publishRaw(topics.device(SITE, 'ghost', 'up'), '{"v":1,');
    await refusals(gateway, 2);
    expect(gateway.stats.rejected).toEqual({});

    // A broken directory, then a good one from the same publisher: once the good one is in
    // force, the broken one has been handled (and did not open the door meanwhile).
    await scene.server.publishJson(scene.topic('directory'), { v: 1, devices: 'all' }, { retain: true });
    const next = once(gateway, 'directory');
    await publishDirectory(directory('reception-desk', 'interview-2'));
    await next;
    expect(gateway.stats.uplinkRejected).toEqual({ 'directory:schema': 1 });
    await scene.device.publishJson(topics.device(SITE, 'ghost', 'up'), { v: 1, type: 'press', msgId: 'p', seq: 2 });
    await refusals(gateway, 3);
    await scene.press('interview-2', 'now-known');
    await scene.server.waitFor(on(scene.topic('events'), { eventId: 'interview-2-now-known' }));
  });
});
