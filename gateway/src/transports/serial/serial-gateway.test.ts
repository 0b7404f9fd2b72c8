/**
 * A serial receiver behind the real gateway: simulator -> socat pty pair -> serial transport ->
 * outbox -> MQTT (aedes) -> a fake server, and feedback all the way back. Needs socat (CI installs it).
 */
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PtyPair, SimulatedSerialReceiver } from '@trygg/firmware-sim';
import { serialLine } from '@trygg/protocol';
import { GatewayScene } from '../../test-support/gateway-fixture';
import { on } from '../../../../test/support/mqtt-probe';

describe('gateway with a serial alarm receiver', () => {
  let scene: GatewayScene;
  let pair: PtyPair;
  let rx: SimulatedSerialReceiver | null = null;

  beforeEach(async () => {
    pair = await PtyPair.create();
    scene = await GatewayScene.create({ gatewayId: 'gw-serial' });
  });

  afterEach(async () => {
    await rx?.close();
    await scene.close();
    await pair.close();
  });

  it('stores a resent press once, publishes it, and carries the feedback back to the receiver', async () => {
    const gateway = await scene.startGateway({ transports: [{ kind: 'serial', path: pair.a, reconnectMs: 50 }] });
    expect(gateway.links()).toEqual({ uplink: true, serial: true });
    rx = await SimulatedSerialReceiver.open({ path: pair.b, retransmitMs: 150 });
    rx.loseNextAcks(1);

    const sent = rx.press('interview-1', { battery: 64 });
    const transmissions = await sent.acked;
    expect(transmissions).toBeGreaterThanOrEqual(2);
    const eventId = `interview-1-s${sent.seq}-${rx.bootId}`;
    await scene.server.waitFor(on(scene.topic('events'), { eventId, kind: 'press', battery: 64, deviceId: 'interview-1' }));
    expect(gateway.stats.eventsStored).toBe(1);
    expect(gateway.stats.eventsAlreadyPending).toBeGreaterThanOrEqual(1); // retransmissions, folded by their eventId

    const receipted = once(gateway, 'receipt');
    await scene.server.publishJson(scene.topic('receipts'), { v: 1, eventId, status: 'stored', alarmId: 'alarm-7' });
    await receipted;
    expect(gateway.outboxDepth()).toBe(0);

    const shown = rx.nextFeedback('interview-1');
    await scene.server.publishJson(scene.topic('commands'), {
      v: 1,
      commandId: 'cmd-7',
      deviceId: 'interview-1',
      alarmId: 'alarm-7',
      action: 'help-coming',
      at: '2026-01-05T09:00:01.000Z',
    });
    expect(await shown).toMatchObject({ action: 'help-coming', led: 'green-blink', vibration: 2 });
  });

  it('counts a damaged frame in the gateway stats and still takes the next press', async () => {
    const gateway = await scene.startGateway({ transports: [{ kind: 'serial', path: pair.a }] });
    rx = await SimulatedSerialReceiver.open({ path: pair.b });

    const rejected = once(gateway, 'rejected');
    await rx.writeRaw(serialLine('TRG,EVT,AB,1,interview-1,press').replace('press', 'prass'));
    expect((await rejected)[0]).toBe('checksum');
    expect(gateway.stats.rejected).toEqual({ checksum: 1 });

    const sent = rx.press('interview-1');
    await sent.acked;
    await scene.server.waitFor(on(scene.topic('events'), { eventId: `interview-1-${sent.msgId}` }));
  });
});
