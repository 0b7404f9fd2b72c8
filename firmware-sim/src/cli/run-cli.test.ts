import { topics, type DeviceCommand } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MqttProbe, on } from '../../../test/support/mqtt-probe';
import { TestBroker } from '../../../test/support/test-broker';
import { runCli, type CliIo } from './run-cli';

function io(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    interrupted: () => new Promise(() => {}),
  };
}

describe('sim CLI against a real broker', () => {
  let broker: TestBroker;
  let gateway: MqttProbe;

  beforeEach(async () => {
    broker = await TestBroker.start();
    gateway = await MqttProbe.connect(broker.url, [topics.allDevicesOfSite('demo', 'up')]);
  });

  afterEach(async () => {
    await gateway.close();
    await broker.stop();
  });

  const feedback = (commandId: string, action: DeviceCommand['action'], msgId?: string): DeviceCommand => ({
    v: 1,
    commandId,
    deviceId: 'interview-1',
    alarmId: '1234abcd-ffff-4444',
    action,
    at: '2026-01-05T09:00:00.000Z',
    ...(msgId !== undefined && { msgId }),
  });
  const up = topics.device('demo', 'interview-1', 'up');
  const down = topics.device('demo', 'interview-1', 'down');

  it('presses like a Trygg device: repeats until the confirmation, prints it and exits at once', async () => {
    const out = io();
    // --wait 60: the CLI must exit on the confirmation, not run out its window.
    const running = runCli(['press', 'interview-1', '--url', broker.url, '--wait', '60'], {}, out);

    // Play gateway and server: the first copy's confirmation is "lost" (never sent); the re-send is answered.
    const first = await gateway.waitFor(on(up, { type: 'press' }));
    const msgId = (first.json as { msgId: string }).msgId;
    const again = await gateway.waitFor(on(up, { msgId }), 2);
    expect(again.payload.equals(first.payload)).toBe(true);
    await gateway.publishJson(down, feedback('c1', 'received', msgId));

    expect(await running).toBe(0);
    expect(out.errors).toEqual([]);
    expect(out.lines[0]).toBe('interview-1: received (alarm 1234abcd…)');
    expect(out.lines[1]).toMatch(/^interview-1: press stored by Trygg \(msg [0-9a-f]{8}…, seq 1, [2-9] attempts\)$/);
    expect(out.lines).toHaveLength(2);
  });

  it('with --follow, prints the feedback after the confirmation until the alarm ends', async () => {
    const out = io();
    const running = runCli(['press', 'interview-1', '--url', broker.url, '--follow'], {}, out);
    const press = await gateway.waitFor(on(up, { type: 'press' }));
    await gateway.publishJson(down, feedback('c1', 'received', (press.json as { msgId: string }).msgId));
    await gateway.publishJson(down, feedback('c2', 'help-coming'));
    // 'resolved' is final, so the CLI stops following.
    await gateway.publishJson(down, feedback('c3', 'resolved'));

    expect(await running).toBe(0);
    expect(out.lines.filter((l) => !l.includes('stored by Trygg'))).toEqual([
      'interview-1: received (alarm 1234abcd…)',
      'interview-1: help-coming (alarm 1234abcd…)',
      'interview-1: resolved (alarm 1234abcd…)',
    ]);
  });

  it('says which broker it used and what to set when no Trygg confirms the press', async () => {
    const out = io();
    expect(await runCli(['press', 'interview-1', '--url', broker.url, '--wait', '0.3'], {}, out)).toBe(1);
    // Nobody answered, but the device did press (and repeat) on that broker.
    expect(gateway.count(on(up, { type: 'press' }))).toBeGreaterThanOrEqual(1);
    expect(out.errors).toEqual([
      `error: no confirmation from Trygg within 0.3 s through the MQTT broker at ${broker.url}.`,
      'Is Trygg (server and gateway) running on that broker? If Trygg listens elsewhere, set MQTT_PORT (e.g. MQTT_PORT=18830) or MQTT_URL, or pass --url.',
    ]);
  });

  it('sends a heartbeat with its battery level', async () => {
    const out = io();
    expect(await runCli(['heartbeat', 'reception-desk', '--url', broker.url, '--battery', '12'], {}, out)).toBe(0);
    const m = await gateway.waitFor(on(topics.device('demo', 'reception-desk', 'up'), { type: 'heartbeat' }));
    expect(m.json).toMatchObject({ battery: 12 });
    expect(out.lines).toEqual(['reception-desk: heartbeat sent (seq 1, battery 12%)']);
  });

  it('prints one error line and exits 1 when the broker is unreachable', async () => {
    const dead = await TestBroker.start();
    const url = dead.url;
    await dead.stop();
    const out = io();
    expect(await runCli(['release', 'interview-1', '--url', url], {}, out)).toBe(1);
    expect(out.errors).toEqual([
      `error: cannot reach MQTT broker at ${url} (ECONNREFUSED)`,
      'If Trygg listens elsewhere, set MQTT_PORT (e.g. MQTT_PORT=18830) or MQTT_URL, or pass --url.',
    ]);
  });

  it('exits 2 with the reason on a usage mistake', async () => {
    const out = io();
    expect(await runCli(['press'], {}, out)).toBe(2);
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).toMatch(/^error: press: missing <deviceId>/);
  });

  it('lists the demo office devices', async () => {
    const out = io();
    expect(await runCli(['list'], {}, out)).toBe(0);
    expect(out.lines[0]).toMatch(/^DEVICE\s+TYPE\s+ROOM/);
    expect(out.lines.some((l) => /^interview-1\s+panic-button\s+interview-1/.test(l))).toBe(true);
  });

  it('runs heartbeat load until interrupted and reports what it sent', async () => {
    const out = io();
    let interrupt!: () => void;
    const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
    const running = runCli(['load', '--url', broker.url, '--devices', '3', '--interval-ms', '20', '--prefix', 'cli'], {}, {
      ...out,
      interrupted: () => interrupted,
    });
    // Every device has heartbeated at least twice: the load is running on its interval.
    for (const id of ['cli-0001', 'cli-0002', 'cli-0003']) await gateway.waitFor(on(topics.device('demo', id, 'up'), { type: 'heartbeat' }), 2);
    interrupt();
    expect(await running).toBe(0);
    expect(out.lines[0]).toBe('load: 3 devices on 1 connection(s), one heartbeat each every 20 ms');
    expect(out.lines[1]).toMatch(/^load: sent \d+ heartbeats in [\d.]+ s$/);
  });
});
