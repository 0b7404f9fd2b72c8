import { once } from 'node:events';
import { connectSimulator, type DeviceSimulator } from '@trygg/firmware-sim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayScene, SITE } from './test-support/gateway-fixture';
import { on } from '../../test/support/mqtt-probe';

describe('gateway with the firmware simulator as the device', () => {
  let scene: GatewayScene;
  let sim: DeviceSimulator;

  beforeEach(async () => {
    scene = await GatewayScene.create({ gatewayId: 'gw-sim' });
    sim = await connectSimulator({ url: scene.deviceBroker.url, siteId: SITE });
  });

  afterEach(async () => {
    await sim.close();
    await scene.close();
  });

  it('carries a press to the server and the server feedback back to the button', async () => {
    const gateway = await scene.startGateway();
    const button = sim.button('interview-1');
    const feedback = button.nextFeedback();

    const sent = await button.press({ battery: 64 });
    const eventId = `interview-1-${sent.msgId}`;
    await scene.server.waitFor(on(scene.topic('events'), { eventId, kind: 'press', battery: 64 }));

    const receipted = once(gateway, 'receipt');
    await scene.server.publishJson(scene.topic('receipts'), { v: 1, eventId, status: 'stored', alarmId: 'alarm-7' });
    await scene.server.publishJson(scene.topic('commands'), {
      v: 1,
      commandId: 'cmd-7',
      deviceId: 'interview-1',
      alarmId: 'alarm-7',
      action: 'received',
      at: '2026-01-05T09:00:01.000Z',
    });
    expect(await feedback).toMatchObject({ commandId: 'cmd-7', action: 'received', alarmId: 'alarm-7' });
    await receipted;
    expect(gateway.outboxDepth()).toBe(0);
  });
});
