import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceDirectory } from '@trygg/protocol';
import { SimulatedZigbee2Mqtt } from '../../firmware-sim/src/devices/zigbee-bridge';
import { PtyPair, SimulatedSerialReceiver } from '../../firmware-sim/src/serial';
import { eventually } from '../../test/support/console-client';
import { on } from '../../test/support/mqtt-probe';
import { GatewayScene } from './test-support/gateway-fixture';

/**
 * A device's transport binding is set in the console and reaches its gateway in the retained
 * device directory: the gateway routes the device's presses by the new Zigbee friendly name or
 * serial address at once, without a restart, and forgets the old one.
 */
describe('transport bindings from the device directory', () => {
  let scene: GatewayScene | undefined;
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await scene?.close();
    scene = undefined;
  });

  const directory = (devices: DeviceDirectory['devices']): DeviceDirectory => ({ v: 1, at: new Date().toISOString(), devices });
  const publishDirectory = async (s: GatewayScene, d: DeviceDirectory) => {
    await s.server.publishJson(s.topic('directory'), d, { qos: 1, retain: true });
  };

  it('Zigbee: a renamed friendly name routes the press to the device, the old name is ignored', async () => {
    scene = await GatewayScene.create({ gatewayId: 'gw-zigbee', separateDeviceBroker: true });
    const s = scene;
    const z2m = await SimulatedZigbee2Mqtt.connect({ url: s.deviceBroker.url, retain: false, qos: 1 });
    closers.push(() => z2m.close());
    const gateway = await s.startGateway({ transports: [{ kind: 'zigbee2mqtt', url: s.deviceBroker.url, reconnectPeriodMs: 100, devices: [] }] });

    const applied = () => new Promise<void>((resolve) => gateway.once('directory', () => resolve()));
    let next = applied();
    await publishDirectory(s, directory([{ deviceId: 'interview-1', binding: { zigbeeFriendlyName: 'Rom 1/SOS', zigbeeModel: 'TS0215A_sos' } }]));
    await next;
    await z2m.press('Rom 1/SOS');
    await s.server.waitFor(on(s.topic('events'), { deviceId: 'interview-1', kind: 'press' }));

    next = applied();
    await publishDirectory(s, directory([{ deviceId: 'interview-1', binding: { zigbeeFriendlyName: 'Samtalerom 1/SOS', zigbeeModel: 'TS0215A_sos' } }]));
    await next;
    await z2m.press('Rom 1/SOS');
    await z2m.press('Samtalerom 1/SOS');
    // The gateway resends unreceipted events: count distinct ones. One connection keeps the order,
    // so when the new name's press is stored the old name's was handled before it, and dropped.
    const pressIds = () => new Set(s.server.seen.filter(on(s.topic('events'), { deviceId: 'interview-1', kind: 'press' })).map((m) => (m.json as { eventId: string }).eventId));
    await eventually(() => (pressIds().size === 2 ? true : undefined), 5000, 'the press under the new name');
    expect(gateway.stats.eventsStored).toBe(2);
  });

  it('serial: a device bound to its receiver\'s line address gets its presses, and its feedback goes to that address', async () => {
    const pair = await PtyPair.create();
    closers.push(() => pair.close());
    scene = await GatewayScene.create({ gatewayId: 'gw-serial' });
    const s = scene;
    const gateway = await s.startGateway({ transports: [{ kind: 'serial', path: pair.a, reconnectMs: 50 }] });
    const rx = await SimulatedSerialReceiver.open({ path: pair.b, retransmitMs: 150 });
    closers.push(() => rx.close());

    const applied = new Promise<void>((resolve) => gateway.once('directory', () => resolve()));
    await publishDirectory(s, directory([{ deviceId: 'interview-2', binding: { serialAddress: 'r-0042' } }]));
    await applied;
    const sent = rx.press('r-0042');
    await sent.acked;
    await s.server.waitFor(on(s.topic('events'), { deviceId: 'interview-2', kind: 'press' }));

    const shown = rx.nextFeedback('r-0042');
    await s.server.publishJson(s.topic('commands'), { v: 1, commandId: 'cmd-1', deviceId: 'interview-2', alarmId: 'alarm-1', action: 'received', at: new Date().toISOString() });
    expect(await shown).toMatchObject({ action: 'received' });
  });
});
