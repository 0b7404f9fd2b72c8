import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedZigbee2Mqtt } from '../devices/zigbee-bridge';
import { MqttProbe } from '../../../test/support/mqtt-probe';
import { TestBroker } from '../../../test/support/test-broker';
import { parseCliArgs } from './cli-args';
import { runCli, type CliIo } from './run-cli';

function io(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), interrupted: () => new Promise(() => {}) };
}

describe('sim zigbee arguments', () => {
  it('parses the documented form, with Zigbee2MQTT defaults', () => {
    const parsed = parseCliArgs(['zigbee', '--url', 'mqtt://127.0.0.1:1883', 'press', 'floor 2/sos', '--model', 'TS0215A_sos'], {});
    expect(parsed).toEqual({
      ok: true,
      command: {
        kind: 'zigbee',
        action: 'press',
        friendlyName: 'floor 2/sos',
        model: 'TS0215A_sos',
        baseTopic: 'zigbee2mqtt',
        retain: false,
        lastSeen: 'ISO_8601',
        url: 'mqtt://127.0.0.1:1883',
      },
    });
  });

  it('says in one line what is wrong', () => {
    const error = (argv: string[]) => {
      const parsed = parseCliArgs(['zigbee', ...argv], {});
      return parsed.ok ? '' : parsed.error;
    };
    expect(error([])).toBe('zigbee: expected one of press, release, battery, online, offline, got nothing');
    expect(error(['press'])).toBe('zigbee press: missing <friendlyName>');
    expect(error(['press', 'a/#'])).toContain('is not a valid Zigbee2MQTT friendly name');
    expect(error(['press', 'a', '--model', 'toaster'])).toContain('--model "toaster" is not one of TS0215A_sos');
    expect(error(['battery', 'a'])).toContain('--battery must be an integer');
    expect(error(['press', 'a', '--last-seen', 'soon'])).toContain('--last-seen must be iso, epoch or none');
    expect(error(['press', 'a', '--colour', 'red'])).toContain('unknown option "--colour"');
    expect(parseCliArgs(['zigbee', '--help'], {})).toEqual({ ok: true, command: { kind: 'help' } });
  });
});

describe('sim zigbee against a real broker', () => {
  let broker: TestBroker;
  let z2m: MqttProbe;

  beforeEach(async () => {
    broker = await TestBroker.start();
    z2m = await MqttProbe.connect(broker.url, ['zigbee2mqtt/#']);
  });

  afterEach(async () => {
    await z2m.close();
    await broker.stop();
  });

  it('publishes a press of an SOS button the way Zigbee2MQTT does', async () => {
    const out = io();
    expect(await runCli(['zigbee', '--url', broker.url, 'press', 'hall/sos', '--model', 'SEB01ZB'], {}, out)).toBe(0);
    const seen = await z2m.waitFor((m) => m.topic === 'zigbee2mqtt/hall/sos');
    expect(seen.json).toMatchObject({ battery: 87, sos: true, tamper: false, battery_low: false, linkquality: 132 });
    expect(typeof (seen.json as { last_seen: unknown }).last_seen).toBe('string');
    expect(out.lines[0]).toMatch(/^hall\/sos: published zigbee2mqtt\/hall\/sos \{"battery":87/);
  });

  it('publishes availability retained, and battery reports', async () => {
    const out = io();
    expect(await runCli(['zigbee', '--url', broker.url, 'offline', 'sos-1'], {}, out)).toBe(0);
    expect(await runCli(['zigbee', '--url', broker.url, 'battery', 'sos-1', '--battery', '12', '--last-seen', 'none'], {}, out)).toBe(0);
    const availability = await z2m.waitFor((m) => m.topic === 'zigbee2mqtt/sos-1/availability');
    expect(availability.json).toEqual({ state: 'offline' });
    expect((await z2m.waitFor((m) => m.topic === 'zigbee2mqtt/sos-1')).json).toEqual({ battery: 12, voltage: 3000, linkquality: 132 });
    const late = await MqttProbe.connect(broker.url, ['zigbee2mqtt/+/availability']);
    expect((await late.waitFor(() => true)).retain).toBe(true);
    await late.close();
  });

  it('exits 1 with one line when the broker is not there', async () => {
    const out = io();
    expect(await runCli(['zigbee', '--url', 'mqtt://127.0.0.1:1', 'press', 'x'], {}, out)).toBe(1);
    expect(out.errors).toEqual(['error: cannot reach MQTT broker at mqtt://127.0.0.1:1 (ECONNREFUSED)']);
  });
});

describe('simulated Zigbee2MQTT state cache', () => {
  let broker: TestBroker;
  let z2m: MqttProbe;

  beforeEach(async () => {
    broker = await TestBroker.start();
    z2m = await MqttProbe.connect(broker.url, ['z/#']);
  });

  afterEach(async () => {
    await z2m.close();
    await broker.stop();
  });

  it('keeps flags in the cache, never actions, and repeats last_seen only in a reset', async () => {
    let now = 1_767_603_600_000;
    const sim = await SimulatedZigbee2Mqtt.connect({ url: broker.url, baseTopic: 'z', lastSeen: 'epoch', actionReset: 'null', qos: 1, now: () => now });
    const [press, reset] = await sim.press('a', { model: 'HS1EB' });
    expect(press).toEqual({ battery: 95, linkquality: 132, action: 'single', last_seen: now });
    expect(reset).toEqual({ battery: 95, linkquality: 132, action: null, last_seen: now });
    expect(await sim.report('a', { battery: 94 })).toEqual({ battery: 94, linkquality: 132, last_seen: now + 1 });
    now += 5000;
    await sim.press('b', { model: 'PB206' });
    expect(await sim.report('b', {})).toMatchObject({ sos: true });
    expect(await sim.release('b')).toMatchObject({ sos: false, last_seen: now + 2 });
    await sim.close();
    await z2m.waitFor((m) => m.topic.startsWith('z/'), 6);
  });
});
