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

  it('presses, prints the feedback it receives and exits 0', async () => {
    const out = io();
    const running = runCli(['press', 'interview-1', '--url', broker.url, '--wait', '30'], {}, out);

    // Play the gateway: answer the press on the device's down topic.
    await gateway.waitFor(on(topics.device('demo', 'interview-1', 'up'), { type: 'press' }));
    const down = topics.device('demo', 'interview-1', 'down');
    const feedback = (commandId: string, action: DeviceCommand['action']): DeviceCommand => ({
      v: 1,
      commandId,
      deviceId: 'interview-1',
      alarmId: '1234abcd-ffff-4444',
      action,
      at: '2026-01-05T09:00:00.000Z',
    });
    await gateway.publishJson(down, feedback('c1', 'received'));
    // 'resolved' is final, so the CLI stops waiting without running out its 30 s.
    await gateway.publishJson(down, feedback('c2', 'resolved'));

    expect(await running).toBe(0);
    expect(out.errors).toEqual([]);
    expect(out.lines[0]).toMatch(/^interview-1: press sent \(msg [0-9a-f]{8}…, seq 1\)$/);
    expect(out.lines.slice(1)).toEqual(['interview-1: received (alarm 1234abcd…)', 'interview-1: resolved (alarm 1234abcd…)']);
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
    expect(out.errors).toEqual([`error: cannot reach MQTT broker at ${url} (ECONNREFUSED)`]);
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
