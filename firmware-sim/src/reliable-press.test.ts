/**
 * The device's half of the delivery contract (docs/protocol.md, "Delivery contract") over a real
 * broker: a reliable press is the same message (same msgId, same seq) repeated until a command
 * carrying its msgId comes back, whatever is lost on the way and however long the broker is gone.
 * The probe plays gateway and server; it decides which copies get an answer.
 */
import { topics, type DeviceCommand, type DeviceMessage } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MqttProbe, on, type SeenMessage } from '../../test/support/mqtt-probe';
import { TestBroker } from '../../test/support/test-broker';
import { connectSimulator, type DeviceSimulator } from './simulator';

const confirmation = (deviceId: string, msgId: string | undefined, action: DeviceCommand['action'] = 'received', commandId = `c-${msgId}`): DeviceCommand => ({
  v: 1, commandId, deviceId, alarmId: 'alarm-42', action, at: '2026-01-05T09:00:00.000Z', ...(msgId !== undefined && { msgId }),
});
const up = (deviceId: string) => topics.device('demo', deviceId, 'up');
const down = (deviceId: string) => topics.device('demo', deviceId, 'down');
const copiesOf = (probe: MqttProbe, deviceId: string, msgId: string) => probe.seen.filter(on(up(deviceId), { msgId }));

describe('reliable press and cancel over a real broker', () => {
  let broker: TestBroker;
  let gateway: MqttProbe;
  let sim: DeviceSimulator;

  beforeEach(async () => {
    broker = await TestBroker.start();
    gateway = await MqttProbe.connect(broker.url, [topics.allDevicesOfSite('demo', 'up')]);
    sim = await connectSimulator({ url: broker.url, siteId: 'demo', reconnectPeriodMs: 100 });
  });

  afterEach(async () => {
    await sim.close();
    await gateway.close();
    await broker.stop();
  });

  it('re-sends the same message until its confirmation arrives: the first is lost, plain feedback does not count', async () => {
    const pressing = sim.pressReliably('interview-1', { resendMs: 20, maxResendMs: 40 });
    const first = await gateway.waitFor(on(up('interview-1'), { type: 'press' }));
    const msgId = (first.json as DeviceMessage).msgId;
    // Feedback without msgId, and a confirmation of another message or for another device: not this press's.
    await gateway.publishJson(down('interview-1'), confirmation('interview-1', undefined, 'help-coming'));
    await gateway.publishJson(down('interview-1'), confirmation('interview-1', 'some-other-msg'));
    await gateway.publishJson(down('interview-2'), confirmation('interview-2', msgId));
    // The device goes on repeating; the third copy is answered.
    const third = await gateway.waitFor(on(up('interview-1'), { msgId }), 3);
    expect(third.payload.equals(first.payload)).toBe(true); // same bytes: same msgId, seq and time
    await gateway.publishJson(down('interview-1'), confirmation('interview-1', msgId));

    const confirmed = await pressing;
    expect(confirmed).toMatchObject({ msgId, seq: 1, command: { msgId, action: 'received', deviceId: 'interview-1' } });
    expect(confirmed.attempts).toBeGreaterThanOrEqual(3);
    expect(confirmed.confirmedAt).toBeGreaterThanOrEqual(confirmed.sentAt);
    expect(sim.waiting()).toEqual([]);
    // Once confirmed it stops: a later message from the same device is the next one, not this one again.
    const next = await sim.press('interview-1');
    await gateway.waitFor(on(up('interview-1'), { msgId: next.msgId }));
    expect(copiesOf(gateway, 'interview-1', msgId).length).toBe(confirmed.attempts);
  });

  it('a cancel is repeated the same way and resolves on its "cancelled"', async () => {
    const button = sim.button('interview-3');
    const cancelling = button.cancelReliably({ resendMs: 20 });
    const copy = await gateway.waitFor(on(up('interview-3'), { type: 'cancel' }), 2);
    const msgId = (copy.json as DeviceMessage).msgId;
    await gateway.publishJson(down('interview-3'), confirmation('interview-3', msgId, 'cancelled'));
    expect((await cancelling).command).toMatchObject({ action: 'cancelled', msgId });
  });

  it('survives the broker going away: no pile-up of copies while offline, confirmed after the restart', async () => {
    const offline = new Promise<void>((resolve) => (sim as unknown as { client: { once(e: string, f: () => void): void } }).client.once('offline', resolve));
    await broker.stop();
    await offline;
    const pressing = sim.pressReliably('reception-desk', { resendMs: 20, maxResendMs: 40 });
    // The re-send timer fires again and again while the first copy waits in the client's queue.
    await vi.waitFor(() => expect(sim.waiting()[0]?.skipped).toBeGreaterThanOrEqual(5), { timeout: 10_000, interval: 20 });
    // ... and still only one copy exists: the one queued in the client.
    expect(sim.waiting()).toMatchObject([{ deviceId: 'reception-desk', attempts: 1 }]);

    await broker.restart();
    // A fresh broker lost every subscription: the gateway may come back after the queued copy
    // was delivered to nobody; the device's re-send covers exactly that.
    const copy = await gateway.waitFor((m: SeenMessage) => m.topic === up('reception-desk'));
    const msgId = (copy.json as DeviceMessage).msgId;
    await gateway.publishJson(down('reception-desk'), confirmation('reception-desk', msgId));
    const confirmed = await pressing;
    expect(confirmed.msgId).toBe(msgId);
    expect(copiesOf(gateway, 'reception-desk', msgId).length).toBeLessThanOrEqual(confirmed.attempts);
  });

  it('gives up with a typed error after giveUpMs, and close() rejects what is still waiting', async () => {
    await expect(sim.pressReliably('interview-2', { resendMs: 20, giveUpMs: 200 })).rejects.toMatchObject({ code: 'TRYGG_SIM_NOT_CONFIRMED' });
    expect(copiesOf(gateway, 'interview-2', (gateway.seen.find(on(up('interview-2')))!.json as DeviceMessage).msgId).length).toBeGreaterThanOrEqual(1);
    const waiting = sim.pressReliably('interview-2', { resendMs: 20 });
    await gateway.waitFor(on(up('interview-2')), 2);
    const rejected = expect(waiting).rejects.toMatchObject({ code: 'TRYGG_SIM_CLOSED' });
    await sim.close();
    await rejected;
  });
});
