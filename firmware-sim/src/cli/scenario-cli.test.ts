import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topics } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MqttProbe, on } from '../../../test/support/mqtt-probe';
import { TestBroker } from '../../../test/support/test-broker';
import { parseCliArgs, USAGE } from './cli-args';
import { runCli, type CliIo } from './run-cli';

function io(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), interrupted: () => new Promise(() => {}) };
}

const DEMO = join(import.meta.dirname, '../../scenarios/demo.yaml');

describe('sim scenario and load --alarms-per-second: arguments', () => {
  it('parses scenario with defaults and options', () => {
    const parsed = parseCliArgs(['scenario', 'x.yaml', '--serial-port', '/dev/pts/4', '--zigbee-url', 'mqtt://z:1', '--site', 'oslo', '--check'], { MQTT_PORT: '2883' });
    expect(parsed).toEqual({
      ok: true,
      command: {
        kind: 'scenario', file: 'x.yaml', check: true, verbose: false, waitSeconds: 2, siteId: 'oslo',
        connections: {
          mqtt: { url: 'mqtt://127.0.0.1:2883', username: 'demo-devices', password: 'trygg-demo-devices' },
          serial: { path: '/dev/pts/4', baudRate: 9600 },
          zigbee: { url: 'mqtt://z:1' },
        },
      },
    });
    expect(parseCliArgs(['scenario'], {})).toEqual({ ok: false, error: expect.stringMatching(/missing <file>/) });
    expect(parseCliArgs(['scenario', 'x.yaml', '--zigbee-url', 'http://x'], {})).toEqual({ ok: false, error: expect.stringMatching(/--zigbee-url must be/) });
    expect(parseCliArgs(['scenario', 'x.yaml', '--speed', '2'], {})).toEqual({ ok: false, error: 'unknown option "--speed" (try --help)' });
  });

  it('parses --alarms-per-second for load, and documents both', () => {
    expect(parseCliArgs(['load', '--devices', '50', '--alarms-per-second', '2.5'], {})).toMatchObject({ ok: true, command: { kind: 'load', devices: 50, alarmsPerSecond: 2.5 } });
    expect(parseCliArgs(['load', '--alarms-per-second=-1'], {})).toEqual({ ok: false, error: expect.stringMatching(/--alarms-per-second must be a number >= 0/) });
    expect(USAGE).toMatch(/scenario <file>/);
    expect(USAGE).toMatch(/--alarms-per-second/);
  });
});

describe('sim scenario and load against a real broker', () => {
  let broker: TestBroker;
  let gateway: MqttProbe;
  let dir: string;

  beforeEach(async () => {
    broker = await TestBroker.start();
    gateway = await MqttProbe.connect(broker.url, [topics.allDevicesOfSite('demo', 'up')]);
    dir = mkdtempSync(join(tmpdir(), 'trygg-sim-scenario-'));
  });

  afterEach(async () => {
    await gateway.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--check validates without connecting; a broken file lists every problem', async () => {
    const ok = io();
    expect(await runCli(['scenario', DEMO, '--check', '--url', 'mqtt://127.0.0.1:1'], {}, ok)).toBe(0);
    expect(ok.lines[0]).toMatch(/^scenario "demo office .*": 7 steps over 75 s, site demo; devices reception-desk \(mqtt\), interview-1 \(mqtt\)/);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: bad\nsteps:\n  - { at: 2s, press: a }\n  - { at: 1s, man-down: { device: a, location: {} }, release: b }\n');
    const out = io();
    expect(await runCli(['scenario', bad], {}, out)).toBe(1);
    expect(out.errors).toEqual([`error: ${bad}: 1 problem`, '  steps.1.man-down.location: must NOT have fewer than 1 properties']);
    writeFileSync(bad, 'name: bad\nsteps:\n  - { at: 2s, press: a }\n  - { at: 1s, man-down: { device: a }, release: b }\n');
    const again = io();
    expect(await runCli(['scenario', bad], {}, again)).toBe(1);
    expect(again.errors).toEqual([
      `error: ${bad}: 1 problem`,
      '  steps.1: one action per step, found release and man-down',
    ]);
  });

  it('plays a scenario in real time, printing the timeline and the feedback heard', async () => {
    const file = join(dir, 'short.yaml');
    writeFileSync(file, [
      'name: short', 'heartbeats: { every: 200ms, devices: [sensor-9] }', 'end: 600ms', 'steps:',
      '  - { at: 0s, press: interview-3 }', '  - { at: 300ms, heartbeat-stops: sensor-9 }',
      '  - { at: 400ms, man-down: { device: portable-1, location: { roomId: interview-2 } } }',
    ].join('\n'));
    const out = io();
    const running = runCli(['scenario', file, '--url', broker.url, '--wait', '0.3'], {}, out);
    const press = await gateway.waitFor(on(topics.device('demo', 'interview-3', 'up'), { type: 'press' }));
    await gateway.publishJson(topics.device('demo', 'interview-3', 'down'), {
      v: 1, commandId: 'c1', deviceId: 'interview-3', alarmId: 'a1b2c3d4', action: 'received', at: new Date().toISOString(),
    });
    expect(await running).toBe(0);
    expect(press.json).toMatchObject({ v: 1, type: 'press', seq: 1 });
    expect(gateway.count(on(topics.device('demo', 'sensor-9', 'up'), { type: 'heartbeat' }))).toBe(2);
    expect((await gateway.waitFor(on(topics.device('demo', 'portable-1', 'up'), { type: 'man-down' }))).json).toMatchObject({ location: { roomId: 'interview-2' } });
    expect(out.lines).toEqual(expect.arrayContaining([
      '   0.00 s  press interview-3 (mqtt)',
      expect.stringMatching(/^ {3}0\.\d\d s {2}interview-3 <- received$/),
      expect.stringMatching(/^ {3}0\.3\d s {2}heartbeat-stops sensor-9$/),
      expect.stringMatching(/^ {3}0\.4\d s {2}man-down portable-1 \(mqtt, at \{"roomId":"interview-2"\}\)$/),
      expect.stringMatching(/^scenario done: 3 steps and 2 heartbeats sent in 0\.\d s; 0 failed; 1 heard back$/),
    ]));
    expect(out.errors).toEqual([]);
  });

  it('load --alarms-per-second presses distinct devices while they heartbeat', async () => {
    const out = io();
    expect(await runCli(['load', '--url', broker.url, '--devices', '5', '--interval-ms', '200', '--alarms-per-second', '10', '--duration', '0.45', '--prefix', 'lt'], {}, out)).toBe(0);
    const presses = gateway.seen.filter((m) => (m.json as { type?: string }).type === 'press').map((m) => m.topic.split('/')[5]);
    expect(presses).toEqual(['lt-0001', 'lt-0002', 'lt-0003', 'lt-0004', 'lt-0005'].slice(0, presses.length));
    expect(presses.length).toBeGreaterThanOrEqual(4);
    expect(out.lines.at(-1)).toMatch(new RegExp(`^load: sent ${presses.length} presses over ${presses.length} distinct devices \\(lt-0001 \\.\\.\\. lt-000${presses.length}\\)$`));
  });
});
