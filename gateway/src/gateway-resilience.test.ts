import { once } from 'node:events';
import { validateGatewayStatus } from '@trygg/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { on } from '../../test/support/mqtt-probe';
import { GatewayScene } from './test-support/gateway-fixture';
import { TestBroker } from '../../test/support/test-broker';

describe('gateway: nothing is lost when links or the process fail', () => {
  let scene: GatewayScene;

  afterEach(async () => {
    await scene.close();
  });

  it('stores a press while the uplink broker is down and delivers it after the broker restarts', async () => {
    scene = await GatewayScene.create({ gatewayId: 'gw-uplink-cut', separateDeviceBroker: true });
    const gateway = await scene.startGateway();

    const down = scene.waitForLink(gateway, 'uplink', false);
    await scene.uplinkBroker.stop();
    await down;

    await scene.press('interview-2', 'during-outage');
    const [stored] = await once(gateway, 'stored');
    expect(stored).toMatchObject({ eventId: 'interview-2-during-outage' });
    expect(gateway.outboxDepth()).toBe(1);

    await scene.uplinkBroker.restart();
    // The server probe reconnects on its own; the gateway flushes on connect and re-sends
    // until the probe has re-subscribed, so the event arrives either way.
    await scene.server.waitFor(on(scene.topic('events'), { eventId: 'interview-2-during-outage' }));
    await scene.server.publishJson(scene.topic('receipts'), { v: 1, eventId: 'interview-2-during-outage', status: 'stored' });
    await once(gateway, 'receipt');
    expect(gateway.outboxDepth()).toBe(0);
  });

  it('keeps presses taken while the uplink was never reachable and re-sends them from a restarted process', async () => {
    scene = await GatewayScene.create({ gatewayId: 'gw-restart', separateDeviceBroker: true });
    // An uplink URL where nothing listens: the broker is "down at start".
    const dead = await TestBroker.start();
    const deadUrl = dead.url;
    await dead.stop();

    const first = await scene.startGateway({ uplink: { url: deadUrl } }, false);
    await scene.waitForLink(first, 'mqtt', true);
    await scene.press('reception-desk', 'before-restart');
    await once(first, 'stored');
    await first.stop();

    const second = await scene.startGateway();
    const m = await scene.server.waitFor(on(scene.topic('events'), { eventId: 'reception-desk-before-restart' }));
    expect(m.json).toMatchObject({ deviceId: 'reception-desk', kind: 'press' });
    expect(second.outboxDepth()).toBe(1);
    await scene.server.publishJson(scene.topic('receipts'), { v: 1, eventId: 'reception-desk-before-restart', status: 'duplicate' });
    await once(second, 'receipt');
    expect(second.outboxDepth()).toBe(0);
  });

  it('re-sends after a restart an event the server saw but never receipted', async () => {
    scene = await GatewayScene.create({ gatewayId: 'gw-restart-2' });
    const first = await scene.startGateway({ resendIntervalMs: 60_000 });
    await scene.press('interview-1', 'unreceipted');
    await scene.server.waitFor(on(scene.topic('events'), { eventId: 'interview-1-unreceipted' }));
    await first.stop();

    await scene.startGateway({ resendIntervalMs: 60_000 });
    await scene.server.waitFor(on(scene.topic('events'), { eventId: 'interview-1-unreceipted' }), 2);
  });

  it('publishes a retained online status with its outbox depth on connect', async () => {
    scene = await GatewayScene.create({ gatewayId: 'gw-status' });
    await scene.startGateway();
    const m = await scene.server.waitFor(on(scene.topic('status'), { state: 'online' }));
    expect(validateGatewayStatus(m.json).ok).toBe(true);
    expect(m.json).toMatchObject({ gatewayId: 'gw-status', outboxDepth: 0, transports: ['mqtt'] });
  });

  it('leaves the retained offline will when its connection dies, then comes back online', async () => {
    scene = await GatewayScene.create({ gatewayId: 'gw-lwt' });
    const connected = scene.uplinkBroker.clientConnected('trygg-gw-demo-gw-lwt');
    const gateway = await scene.startGateway();
    const brokerSide = await connected;
    await scene.server.waitFor(on(scene.topic('status'), { state: 'online' }));

    const reconnected = scene.uplinkBroker.clientConnected('trygg-gw-demo-gw-lwt');
    brokerSide.conn.destroy();
    const offline = await scene.server.waitFor(on(scene.topic('status'), { state: 'offline' }));
    expect(validateGatewayStatus(offline.json).ok).toBe(true);

    await reconnected;
    await scene.server.waitFor(on(scene.topic('status'), { state: 'online' }), 2);
    expect(gateway.stats.uplinkConnects).toBeGreaterThanOrEqual(2);
  });

  it('publishes a retained offline status when stopped cleanly', async () => {
    scene = await GatewayScene.create({ gatewayId: 'gw-clean-stop' });
    const gateway = await scene.startGateway();
    await gateway.stop();
    const m = await scene.server.waitFor(on(scene.topic('status'), { state: 'offline' }));
    expect(m.json).toMatchObject({ gatewayId: 'gw-clean-stop' });
  });
});
