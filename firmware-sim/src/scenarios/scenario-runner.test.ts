import { FakeClock } from '@trygg/protocol';
import { describe, expect, it } from 'vitest';
import { parseScenario } from './scenario-file';
import { runScenario } from './scenario-runner';
import type { PortAction, PortNotice, ScenarioPort, ScenarioTransport } from './scenario-types';

/** A port that records what it is handed, at the fake clock's offset. */
class RecordingPort implements ScenarioPort {
  readonly sent: (PortAction & { t: number })[] = [];
  private listener: ((n: PortNotice) => void) | undefined;
  fail = false;
  constructor(readonly transport: ScenarioTransport, private readonly start: number) {}
  async send(action: PortAction): Promise<void> {
    if (this.fail) throw new Error('broker gone');
    this.sent.push({ ...action, t: action.now - this.start });
  }
  onNotice(listener: (n: PortNotice) => void): void {
    this.listener = listener;
  }
  notice(n: PortNotice): void {
    this.listener?.(n);
  }
  async close(): Promise<void> {}
}

/** Advances fake time in small slices, letting the port promises settle between them. */
async function advance(clock: FakeClock, ms: number): Promise<void> {
  const settle = async () => {
    for (let i = 0; i < 50; i++) await Promise.resolve();
  };
  for (let t = 0; t < ms; t += 250) {
    await settle();
    clock.advance(Math.min(250, ms - t));
  }
  await settle();
}

const SCENARIO = parseScenario(`
name: interview room 3, then a silent sensor
devices:
  sos-1: { transport: zigbee }
heartbeats: { every: 2s, devices: [sensor-9, reception-desk], battery: 90 }
end: 9s
steps:
  - { at: 0s, press: interview-3 }
  - { at: 2s, heartbeat-stops: sensor-9 }
  - { at: 5s, release: interview-3 }
  - { at: 5s, press: sos-1 }
  - { at: 6s, battery: { device: reception-desk, level: 12 } }
  - { at: 7s, checkin-start: { device: portable-1, until: +30m } }
`);

describe('scenario runner', () => {
  it('plays steps on time, steps before the heartbeat round at the same offset, until the end', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const mqtt = new RecordingPort('mqtt', start);
    const zigbee = new RecordingPort('zigbee', start);
    const lines: string[] = [];
    const run = runScenario(SCENARIO, { clock, ports: { mqtt, zigbee }, log: (l) => lines.push(l) });
    await advance(clock, 10_000);
    const summary = await run.finished;

    expect(summary).toEqual({ steps: 6, heartbeats: 6, failed: 0, stopped: false });
    const beats = (id: string) => mqtt.sent.filter((a) => a.kind === 'heartbeat' && a.device.id === id).map((a) => [a.t, a.battery]);
    // sensor-9 beats at 0 s only: its stop at 2 s comes before the 2 s round.
    expect(beats('sensor-9')).toEqual([[0, 90]]);
    expect(run.lastHeartbeatAt('sensor-9')).toBe(start);
    // The battery step sends a heartbeat at once and sets the level for later rounds.
    expect(beats('reception-desk')).toEqual([[0, 90], [2000, 90], [4000, 90], [6000, 12], [6000, 12], [8000, 12]]);
    expect(mqtt.sent.filter((a) => a.kind !== 'heartbeat').map((a) => [a.t, a.kind, a.device.id])).toEqual([
      [0, 'press', 'interview-3'],
      [5000, 'release', 'interview-3'],
      [7000, 'checkin-start', 'portable-1'],
    ]);
    expect(mqtt.sent.find((a) => a.kind === 'checkin-start')!.until).toEqual({ inMs: 1_800_000 });
    expect(zigbee.sent.map((a) => [a.t, a.kind, a.device.id])).toEqual([[5000, 'press', 'sos-1']]);
    expect(lines).toContain('   2.00 s  heartbeat-stops sensor-9');
    expect(lines).toContain('   6.00 s  battery reception-desk (mqtt, battery 12%)');
    expect(lines).toContain('   7.00 s  checkin-start portable-1 (mqtt, until +1800s)');
    // Nothing after the end.
    await advance(clock, 5000);
    expect(mqtt.sent.filter((a) => a.t > 9000)).toEqual([]);
  });

  it('records what devices hear back, and a failed send without stopping the timeline', async () => {
    const clock = new FakeClock();
    const mqtt = new RecordingPort('mqtt', clock.now());
    const zigbee = new RecordingPort('zigbee', clock.now());
    zigbee.fail = true;
    const lines: string[] = [];
    const run = runScenario(SCENARIO, { clock, ports: { mqtt, zigbee }, log: (l) => lines.push(l) });
    await advance(clock, 1000);
    mqtt.notice({ deviceId: 'interview-3', what: 'received' });
    await advance(clock, 9000);
    const summary = await run.finished;
    expect(summary.failed).toBe(1);
    expect(run.played.find((p) => p.deviceId === 'sos-1')).toMatchObject({ atMs: 5000, kind: 'press', transport: 'zigbee', step: 3, error: 'broker gone' });
    expect(run.heard).toEqual([{ atMs: 1000, deviceId: 'interview-3', transport: 'mqtt', what: 'received' }]);
    expect(lines).toContain('   5.00 s  press sos-1 (zigbee) failed: broker gone');
    expect(mqtt.sent.some((a) => a.kind === 'checkin-start')).toBe(true);
  });

  it('stops early on request, and refuses to start without a port it needs', async () => {
    const clock = new FakeClock();
    const mqtt = new RecordingPort('mqtt', clock.now());
    expect(() => runScenario(SCENARIO, { clock, ports: { mqtt } })).toThrow(/uses zigbee \(sos-1\) but no port was given/);
    const run = runScenario(SCENARIO, { clock, ports: { mqtt, zigbee: new RecordingPort('zigbee', clock.now()) } });
    await advance(clock, 3000);
    expect(await run.stop()).toMatchObject({ steps: 2, stopped: true });
    const before = mqtt.sent.length;
    await advance(clock, 10_000);
    expect(mqtt.sent.length).toBe(before);
  });
});
