import { once } from 'node:events';
import { systemClock, topics, validateDeviceEvent, type Clock, validateHeartbeatBatch, type DeviceEvent, type HeartbeatBatch } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { on } from '../../test/support/mqtt-probe';
import { GatewayScene, SITE } from './test-support/gateway-fixture';

describe('gateway: device events to the server', () => {
  let scene: GatewayScene;

  beforeEach(async () => {
    scene = await GatewayScene.create({ gatewayId: 'gw-events' });
  });

  afterEach(async () => {
    await scene.close();
  });

  it('turns a device press into a DeviceEvent on the events topic', async () => {
    await scene.startGateway();
    // A believable device time (a minute ago) is kept; device-time.test.ts covers absurd ones.
    const at = new Date(Date.now() - 60_000).toISOString();
    await scene.press('interview-1', 'boot1-7', { seq: 7, at, battery: 87 });

    const m = await scene.server.waitFor(on(scene.topic('events'), { eventId: 'interview-1-boot1-7' }));
    expect(validateDeviceEvent(m.json).ok).toBe(true);
    expect(m.json).toEqual({
      v: 1,
      eventId: 'interview-1-boot1-7',
      siteId: SITE,
      gatewayId: 'gw-events',
      deviceId: 'interview-1',
      kind: 'press',
      seq: 7,
      msgId: 'boot1-7',
      at,
      battery: 87,
    } satisfies DeviceEvent);
  });

  it('stamps the gateway time on a message without its own time', async () => {
    const clock: Clock = { ...systemClock, now: () => Date.parse('2026-02-01T10:00:00.000Z') };
    const gateway = await scene.startGateway({ clock });
    await scene.press('interview-2', 'm1');
    const [event] = await once(gateway, 'stored');
    expect((event as DeviceEvent).at).toBe('2026-02-01T10:00:00.000Z');
  });

  it('re-sends an unreceipted event after resendIntervalMs', async () => {
    await scene.startGateway({ resendIntervalMs: 100 });
    await scene.press('interview-1', 'm1');
    const first = await scene.server.waitFor(on(scene.topic('events'), { eventId: 'interview-1-m1' }), 1);
    const second = await scene.server.waitFor(on(scene.topic('events'), { eventId: 'interview-1-m1' }), 2);
    expect(second.json).toEqual(first.json);
  });

  it('removes a receipted event from the outbox and does not send it again', async () => {
    const gateway = await scene.startGateway({ resendIntervalMs: 100 });
    await scene.press('interview-1', 'a');
    await scene.server.waitFor(on(scene.topic('events'), { eventId: 'interview-1-a' }));
    const receipted = once(gateway, 'receipt');
    await scene.server.publishJson(scene.topic('receipts'), { v: 1, eventId: 'interview-1-a', status: 'stored', alarmId: 'alarm-1' });
    await receipted;
    expect(gateway.outboxDepth()).toBe(0);
    // On a slow machine 'a' may have been re-sent before its receipt arrived; count from here.
    const sentBeforeReceipt = scene.server.count(on(scene.topic('events'), { eventId: 'interview-1-a' }));

    // A later, unreceipted event is re-sent after the interval; had the receipted one still
    // been pending it would have been re-sent in the same tick or earlier.
    await scene.press('interview-1', 'b');
    await scene.server.waitFor(on(scene.topic('events'), { eventId: 'interview-1-b' }), 2);
    expect(scene.server.count(on(scene.topic('events'), { eventId: 'interview-1-a' }))).toBe(sentBeforeReceipt);
    expect(gateway.stats.receipts.stored).toBe(1);
  });

  it('drops an event the server rejects for good', async () => {
    const gateway = await scene.startGateway();
    await scene.press('unknown-button', 'x');
    await scene.server.waitFor(on(scene.topic('events'), { eventId: 'unknown-button-x' }));
    const receipted = once(gateway, 'receipt');
    await scene.server.publishJson(scene.topic('receipts'), { v: 1, eventId: 'unknown-button-x', status: 'rejected', reason: 'unknown-device' });
    await receipted;
    expect(gateway.outboxDepth()).toBe(0);
    expect(gateway.stats.receipts.rejected).toBe(1);
  });

  it('keeps one outbox row when a device re-sends the same message', async () => {
    const gateway = await scene.startGateway({ resendIntervalMs: 60_000 });
    await scene.press('interview-3', 'same');
    await once(gateway, 'stored');
    await scene.press('interview-3', 'same');
    await scene.press('interview-3', 'other');
    await scene.server.waitFor(on(scene.topic('events'), { eventId: 'interview-3-other' }));
    expect(gateway.outboxDepth()).toBe(2);
    expect(gateway.stats.eventsAlreadyPending).toBe(1);
    expect(scene.server.count(on(scene.topic('events'), { eventId: 'interview-3-same' }))).toBe(1);
  });

  it('batches heartbeats on the heartbeats topic and keeps them out of the outbox', async () => {
    const gateway = await scene.startGateway();
    const up = (id: string) => topics.device(SITE, id, 'up');
    await scene.device.publishJson(up('reception-desk'), { v: 1, type: 'heartbeat', msgId: 'h1', seq: 1, battery: 80 });
    const at = new Date(Date.now() - 60_000).toISOString();
    await scene.device.publishJson(up('interview-1'), { v: 1, type: 'heartbeat', msgId: 'h2', seq: 1, at });
    // One publisher, in order: once interview-1 is reported, reception-desk has been too.
    await scene.server.waitFor(
      (m) => m.topic === scene.topic('heartbeats') && (m.json as HeartbeatBatch).devices.some((d) => d.deviceId === 'interview-1'),
    );
    const batches = scene.server.seen.filter((m) => m.topic === scene.topic('heartbeats')).map((m) => m.json as HeartbeatBatch);
    for (const b of batches) expect(validateHeartbeatBatch(b).ok).toBe(true);
    const devices = batches.flatMap((b) => b.devices);
    expect(devices).toContainEqual({ deviceId: 'interview-1', at });
    expect(devices.find((d) => d.deviceId === 'reception-desk')).toMatchObject({ battery: 80 });
    expect(gateway.outboxDepth()).toBe(0);
    expect(gateway.stats.heartbeatsReceived).toBe(2);
  });

  it('counts malformed, oversized, invalid and off-topic device payloads without crashing', async () => {
    const gateway = await scene.startGateway();
    const rejected: string[] = [];
    gateway.on('rejected', (reason) => rejected.push(reason));
    const up = topics.device(SITE, 'interview-1', 'up');
    await scene.device.publishRaw(up, '{"v":1,');
    await scene.device.publishRaw(up, Buffer.alloc(20_000, 'x'));
    await scene.device.publishJson(up, { v: 1, type: 'explode', msgId: 'm', seq: 1 });
    await scene.device.publishJson(`trygg/v1/sites/${SITE}/devices/Not_Valid/up`, { v: 1, type: 'press', msgId: 'm', seq: 1 });
    await scene.device.publishRaw(up, '');
    // The gateway still works after all that.
    await scene.press('interview-1', 'after-junk');
    await scene.server.waitFor(on(scene.topic('events'), { eventId: 'interview-1-after-junk' }));

    expect(rejected).toHaveLength(5);
    expect(gateway.stats.rejected).toEqual({ 'malformed-json': 2, oversized: 1, schema: 1, 'bad-topic': 1 });
    expect(gateway.outboxDepth()).toBe(1);
  });

  it('counts malformed receipts and commands from the uplink without crashing', async () => {
    const gateway = await scene.startGateway();
    await scene.server.publishRaw(scene.topic('receipts'), 'nope');
    await scene.server.publishJson(scene.topic('commands'), { v: 1, commandId: 'c1' });
    await scene.press('interview-1', 'still-ok');
    await scene.server.waitFor(on(scene.topic('events'), { eventId: 'interview-1-still-ok' }));
    await scene.server.publishJson(scene.topic('receipts'), { v: 1, eventId: 'interview-1-still-ok', status: 'stored' });
    await once(gateway, 'receipt');
    expect(gateway.stats.uplinkRejected).toEqual({ 'receipts:malformed-json': 1, 'commands:schema': 1 });
  });
});
