import { topics, validateDeviceMessage, type DeviceCommand, type DeviceMessage } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectSimulator, type DeviceSimulator } from './simulator';
import { MqttProbe, on } from '../../test/support/mqtt-probe';
import { TestBroker } from '../../test/support/test-broker';

const command = (commandId: string, deviceId: string, action: DeviceCommand['action']): DeviceCommand => ({
  v: 1,
  commandId,
  deviceId,
  alarmId: 'alarm-42',
  action,
  at: '2026-01-05T09:00:00.000Z',
});

describe('DeviceSimulator over a real broker', () => {
  let broker: TestBroker;
  let observer: MqttProbe;
  let sim: DeviceSimulator;

  beforeEach(async () => {
    broker = await TestBroker.start();
    observer = await MqttProbe.connect(broker.url, [topics.allDevicesOfSite('demo', 'up')]);
    sim = await connectSimulator({ url: broker.url, siteId: 'demo' });
  });

  afterEach(async () => {
    await sim.close();
    await observer.close();
    await broker.stop();
  });

  it('publishes a valid press on the device up topic and resolves after the broker ack', async () => {
    const sent = await sim.press('interview-1');
    const m = await observer.waitFor(on(topics.device('demo', 'interview-1', 'up'), { msgId: sent.msgId }));
    expect(validateDeviceMessage(m.json).ok).toBe(true);
    expect(m.json).toMatchObject({ v: 1, type: 'press', seq: sent.seq });
    expect(typeof sent.sentAt).toBe('number');
  });

  it('gives every message a unique id and counts seq per device', async () => {
    const a1 = await sim.press('a');
    const a2 = await sim.release('a');
    const b1 = await sim.heartbeat('b', 55);
    expect(new Set([a1.msgId, a2.msgId, b1.msgId]).size).toBe(3);
    expect([a1.seq, a2.seq, b1.seq]).toEqual([1, 2, 1]);
    const hb = await observer.waitFor(on(topics.device('demo', 'b', 'up'), { type: 'heartbeat' }));
    expect((hb.json as DeviceMessage).battery).toBe(55);
  });

  it('can leave out the device time, like a device without a clock', async () => {
    const sent = await sim.press('interview-2', { at: null });
    const m = await observer.waitFor(on(topics.device('demo', 'interview-2', 'up'), { msgId: sent.msgId }));
    expect(m.json).not.toHaveProperty('at');
  });

  it('hears feedback on the down topic, per device, and ignores junk', async () => {
    const seen: [string, string][] = [];
    sim.onFeedback((deviceId, c) => seen.push([deviceId, c.action]));
    const button = sim.button('interview-1');
    const next = button.nextFeedback();

    await observer.publishRaw(topics.device('demo', 'interview-1', 'down'), 'not json');
    await observer.publishJson(topics.device('demo', 'interview-3', 'down'), command('c0', 'interview-3', 'received'));
    await observer.publishJson(topics.device('demo', 'interview-1', 'down'), command('c1', 'interview-1', 'help-coming'));

    expect(await next).toEqual(command('c1', 'interview-1', 'help-coming'));
    expect(seen).toEqual([
      ['interview-3', 'received'],
      ['interview-1', 'help-coming'],
    ]);
  });

  it('rejects an invalid device id before publishing', async () => {
    await expect(sim.press('Bad Id')).rejects.toThrow(/invalid device id/);
  });
});

describe('connectSimulator failures', () => {
  it('says clearly when the broker cannot be reached', async () => {
    const broker = await TestBroker.start();
    const url = broker.url;
    await broker.stop();
    await expect(connectSimulator({ url, siteId: 'demo' })).rejects.toMatchObject({ code: 'TRYGG_SIM_BROKER_UNREACHABLE' });
  });

  it('says clearly when the credentials are refused', async () => {
    const broker = await TestBroker.start(0, {
      authenticate: (_client, username, _password, done) => {
        if (username === 'ok') return done(null, true);
        done(Object.assign(new Error('bad login'), { returnCode: 4 as const }), false);
      },
    });
    try {
      await expect(connectSimulator({ url: broker.url, username: 'nope', password: 'x', siteId: 'demo' })).rejects.toMatchObject({
        code: 'TRYGG_SIM_CREDENTIALS_REFUSED',
      });
    } finally {
      await broker.stop();
    }
  });
});
