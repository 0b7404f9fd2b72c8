import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_FILE_NAME, topics } from '@trygg/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { MqttProbe, on } from '../../../test/support/mqtt-probe';
import { TestBroker } from '../../../test/support/test-broker';
import { chooseBroker } from './broker-discovery';
import { runCli, type CliIo } from './run-cli';

function io(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), interrupted: () => new Promise(() => {}) };
}

/** A process id that ran and is gone (a crashed Trygg leaves its run-file behind). */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('the simulator finds the running Trygg', () => {
  const dirs: string[] = [];
  const dataDir = (run?: object) => {
    const dir = mkdtempSync(join(tmpdir(), 'trygg-sim-run-'));
    dirs.push(dir);
    if (run) writeFileSync(join(dir, RUN_FILE_NAME), JSON.stringify(run));
    return dir;
  };
  const runFile = (pid: number, mqttUrl: string) => ({ v: 1, pid, mqttUrl, consoleUrl: 'http://localhost:8080/', startedAt: '2026-01-05T09:00:00.000Z' });
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('presses into the broker the run-file names, and says so', async () => {
    const broker = await TestBroker.start();
    const gateway = await MqttProbe.connect(broker.url, [topics.allDevicesOfSite('demo', 'up')]);
    try {
      const dir = dataDir(runFile(process.pid, broker.url));
      const out = io();
      // Nobody confirms on a bare broker: the press arrives there all the same, and the hint names what to check.
      expect(await runCli(['press', 'interview-1', '--wait', '0.3'], { TRYGG_DATA_DIR: dir }, out)).toBe(1);
      expect(gateway.count(on(topics.device('demo', 'interview-1', 'up'), { type: 'press' }))).toBeGreaterThanOrEqual(1);
      expect(out.errors[0]).toBe(`broker: ${broker.url} (the running Trygg's, process ${process.pid}, from ${join(dir, RUN_FILE_NAME)})`);
      expect(out.errors.at(-1)).toMatch(new RegExp(`^Trygg \\(process ${process.pid}\\) announced this broker; .*TRYGG_EMBEDDED_GATEWAY`));
    } finally {
      await gateway.close();
      await broker.stop();
    }
  });

  it('variables and --url win over the run-file', () => {
    const dir = dataDir(runFile(process.pid, 'mqtt://127.0.0.1:18830'));
    expect(chooseBroker(['press', 'a'], { TRYGG_DATA_DIR: dir, MQTT_PORT: '2883' })).toEqual({
      env: { TRYGG_DATA_DIR: dir, MQTT_PORT: '2883' }, note: 'broker: mqtt://127.0.0.1:2883 (from MQTT_PORT)',
    });
    expect(chooseBroker(['press', 'a'], { TRYGG_DATA_DIR: dir, MQTT_URL: 'mqtts://b:8883' }).note).toBe('broker: mqtts://b:8883 (from MQTT_URL)');
    expect(chooseBroker(['press', 'a', '--url', 'mqtt://x:1'], { TRYGG_DATA_DIR: dir })).toEqual({ env: { TRYGG_DATA_DIR: dir } });
  });

  it('a run-file left by a process that is gone, or none at all: the default, and what to set', () => {
    const pid = deadPid();
    const stale = dataDir(runFile(pid, 'mqtt://127.0.0.1:18830'));
    const chosen = chooseBroker(['press', 'a'], { TRYGG_DATA_DIR: stale });
    expect(chosen.env.MQTT_URL).toBeUndefined();
    expect(chosen.note).toBe(`broker: mqtt://127.0.0.1:1883 (the default: ${join(stale, RUN_FILE_NAME)} names Trygg process ${pid}, which no longer runs)`);
    expect(chosen.hint).toMatch(/MQTT_PORT or MQTT_URL/);

    const none = dataDir();
    const missing = chooseBroker(['press', 'a'], { TRYGG_DATA_DIR: none });
    expect(missing.note).toBe(`broker: mqtt://127.0.0.1:1883 (the default: no running Trygg found, ${join(none, RUN_FILE_NAME)} does not exist)`);
    expect(missing.hint).toMatch(/TRYGG_DATA_DIR/);

    const junk = dataDir({ hello: 'world' });
    expect(chooseBroker(['press', 'a'], { TRYGG_DATA_DIR: junk }).note).toMatch(/is not a Trygg run-file\)$/);
  });
});
