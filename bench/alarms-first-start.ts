import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEMO_CONFIG } from '../server/src/environment';
import { freePort } from '../test/support/free-port';
import { sleep } from './alarms-first-office';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * Milliseconds from spawning `command` to /readyz answering 200: `npm start` (prestart included)
 * or the server alone (node --import tsx server/src/main.ts), each on a fresh data dir.
 */
export async function timeToReady(which: 'npm-start' | 'server'): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'trygg-bench-start-'));
  const port = await freePort();
  const env = {
    ...process.env, PORT: String(port), HOST: '127.0.0.1', MQTT_PORT: String(await freePort()), TRYGG_DATA_DIR: join(dir, 'data'),
    TRYGG_CONFIG: DEMO_CONFIG, LOG_LEVEL: 'warn',
  };
  const t0 = performance.now();
  const child = which === 'npm-start'
    ? spawn('npm', ['start', '--silent'], { cwd: ROOT, env, stdio: 'ignore', detached: true })
    : spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], { cwd: ROOT, env, stdio: 'ignore', detached: true });
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    for (;;) {
      if (exited) throw new Error(`${which} exited before it was ready`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (res.ok) return performance.now() - t0;
      } catch {
        // not listening yet
      }
      await sleep(25);
    }
  } finally {
    // npm runs the server as a child: the whole process group goes.
    if (!exited) {
      const gone = new Promise((r) => child.once('exit', r));
      process.kill(-child.pid!, 'SIGTERM');
      await Promise.race([gone, sleep(10_000)]);
      if (!exited) process.kill(-child.pid!, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
