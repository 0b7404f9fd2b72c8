import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatorError } from './errors';

/** Throws a clear error when socat is missing: the serial tests need it (CI installs it). */
export function requireSocat(): void {
  const probe = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new SimulatorError(
      'TRYGG_SIM_CONFIG',
      'socat is not installed: the serial transport tests run over real pseudo-terminal pairs made by socat ' +
        '(Debian/Ubuntu: apt-get install socat; CI installs it)',
    );
  }
}

/**
 * A connected pair of pseudo-terminals made by socat, like a null-modem cable: whatever is written
 * to `a` is read from `b` and back. The paths are stable symlinks, so `kill()` then `start()`
 * makes the "cable" disappear and come back on the same paths, as a re-plugged USB receiver does.
 */
export class PtyPair {
  private child: ChildProcess | null = null;
  readonly a: string;
  readonly b: string;

  private constructor(readonly dir: string) {
    this.a = join(dir, 'a');
    this.b = join(dir, 'b');
  }

  /** A pair in a new temp directory; started unless `start: false` (the paths then do not exist yet). */
  static async create(opts: { start?: boolean } = {}): Promise<PtyPair> {
    requireSocat();
    const pair = new PtyPair(mkdtempSync(join(tmpdir(), 'trygg-pty-')));
    if (opts.start ?? true) await pair.start();
    return pair;
  }

  /** Starts socat and resolves once both links exist and it is moving data. */
  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        // socat -d -d says this after both ptys (and their links) are made.
        if (log.includes('starting data transfer loop') && existsSync(this.a) && existsSync(this.b)) {
          child.stderr?.off('data', onData);
          child.stderr?.resume();
          resolve();
        }
      };
      child.stderr?.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`socat exited (${code}) before the ptys were ready: ${log.trim()}`)));
    });
  }

  /** Ends socat: both ends see their port vanish, and the links are removed. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    for (const link of [this.a, this.b]) rmSync(link, { force: true });
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  async close(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
