import { once } from 'node:events';
import { topics, validateDeviceCommand, type DeviceCommand } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { on } from '../../test/support/mqtt-probe';
import { GatewayScene, SITE } from './test-support/gateway-fixture';

function command(commandId: string, deviceId: string, action: DeviceCommand['action'] = 'received'): DeviceCommand {
  return { v: 1, commandId, deviceId, alarmId: 'alarm-1234', action, at: '2026-01-05T09:00:02.000Z' };
}

describe('gateway: feedback commands to devices', () => {
  let scene: GatewayScene;

  beforeEach(async () => {
    scene = await GatewayScene.create({ gatewayId: 'gw-commands', separateDeviceBroker: true });
  });

  afterEach(async () => {
    await scene.close();
  });

  it('forwards a command to the device down topic once, even when delivered twice', async () => {
    const gateway = await scene.startGateway();
    const down = topics.device(SITE, 'interview-1', 'down');

    await scene.server.publishJson(scene.topic('commands'), command('cmd-1', 'interview-1'));
    await scene.server.publishJson(scene.topic('commands'), command('cmd-1', 'interview-1'));
    // A later command on the same path: once it has arrived, any duplicate would have too.
    await scene.server.publishJson(scene.topic('commands'), command('cmd-2', 'interview-1', 'help-coming'));
    await scene.device.waitFor(on(down, { commandId: 'cmd-2' }));

    const forwarded = scene.device.seen.filter(on(down, { commandId: 'cmd-1' }));
    expect(forwarded).toHaveLength(1);
    expect(validateDeviceCommand(forwarded[0]!.json).ok).toBe(true);
    expect(forwarded[0]!.json).toEqual(command('cmd-1', 'interview-1'));
    expect(gateway.stats).toMatchObject({ commandsReceived: 3, commandsForwarded: 2, commandsDuplicate: 1 });
  });

  it('sends feedback to the device that pressed, over the device broker', async () => {
    const gateway = await scene.startGateway();
    await scene.press('interview-3', 'p1');
    await once(gateway, 'stored');
    await scene.server.publishJson(scene.topic('commands'), command('cmd-9', 'interview-3'));
    const m = await scene.device.waitFor(on(topics.device(SITE, 'interview-3', 'down'), { commandId: 'cmd-9' }));
    expect(m.json).toMatchObject({ action: 'received', alarmId: 'alarm-1234' });
  });
});
