import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { loadDeviceIds } from '../firmware-sim/src/cli/cli-args';

const ROOT = resolve(import.meta.dirname, '..');

export interface HeartbeatLoadProcess {
  connections: number;
  /** Stops the load; resolves with the heartbeats it sent and over how many seconds (undefined if it had to be killed). */
  stop(): Promise<{ sent: number; seconds: number } | undefined>;
  /** SIGKILL, for a part abandoned on its time budget. */
  kill(): void;
}

/** The device ids `startHeartbeatLoadProcess(prefix, n)` heartbeats (the simulator's `load` ids). */
export const heartbeatLoadIds = loadDeviceIds;

/**
 * A heartbeat load in its own process (`npm run sim -- load`), not in the bench's: 10,000
 * heartbeats a second published from the measuring process would hold up its own event loop,
 * and a pop-up read late there would be counted as the server's delay.
 */
export async function startHeartbeatLoadProcess(opts: {
  url: string; username: string; password: string; siteId: string; prefix: string; devices: number; intervalMs: number;
}): Promise<HeartbeatLoadProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'firmware-sim/src/cli.ts', 'load',
    '--url', opts.url, '--username', opts.username, '--password', opts.password, '--site', opts.siteId,
    '--prefix', opts.prefix, '--devices', String(opts.devices), '--interval-ms', String(opts.intervalMs)], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const reader = createInterface({ input: child.stdout! });
  const started = new Promise<number>((resolveStarted, reject) => {
    reader.on('line', (line) => {
      lines.push(line);
      const m = /^load: \d+ devices on (\d+) connection/.exec(line);
      if (m) resolveStarted(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`heartbeat load exited with ${code} before it started: ${stderr.join('').trim().slice(-500)}`)));
  });
  const connections = await started;
  return {
    connections,
    async stop() {
      // Closing 100 busy connections takes a while on a loaded machine: 30 s before SIGKILL.
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await gone;
        clearTimeout(timer);
      }
      const last = lines.map((l) => /^load: sent (\d+) heartbeats in ([\d.]+) s/.exec(l)).find(Boolean);
      return last ? { sent: Number(last[1]), seconds: Number(last[2]) } : undefined;
    },
    kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
