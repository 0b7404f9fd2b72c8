import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { stopChild } from './stop-child';

const ROOT = resolve(import.meta.dirname, '../..');

export interface TryggProcessOptions {
  dataDir: string;
  configFile: string;
  httpPort: number;
  mqttPort: number;
  env?: Record<string, string>;
  /** The entry point; default `scripts/start.ts` (`npm start`), or `server/src/main.ts` for the server alone. */
  entry?: string;
}

/**
 * The real server as a child process (`scripts/start.ts`, what `npm start` runs), so tests can
 * SIGKILL it and start it again on the same data dir.
 */
export class TryggProcess {
  private child?: ChildProcess;
  readonly output: string[] = [];

  constructor(readonly options: TryggProcessOptions) {}

  /** The server's process id while it runs (for CPU and memory figures). */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.options.httpPort}`;
  }

  async start(): Promise<void> {
    const { options } = this;
    const child = spawn(process.execPath, ['--import', 'tsx', options.entry ?? 'scripts/start.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(options.httpPort),
        HOST: '127.0.0.1',
        MQTT_PORT: String(options.mqttPort),
        TRYGG_DATA_DIR: options.dataDir,
        TRYGG_CONFIG: options.configFile,
        LOG_LEVEL: process.env.TRYGG_TEST_LOG_LEVEL ?? 'info',
        // A REST answer that breaks its schema fails the test, not only a log line.
        TRYGG_RESPONSE_CONTRACT: 'enforce',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const collect = (chunk: Buffer) => {
      this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (this.output.length > 2000) this.output.splice(0, this.output.length - 2000);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`trygg exited with ${code} during start:\n${this.output.slice(-20).join('\n')}`))));
    await Promise.race([this.waitReady(), exited]);
  }

  private async waitReady(): Promise<void> {
    for (;;) {
      try {
        const res = await fetch(`${this.baseUrl}/readyz`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The crash: no shutdown code runs. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
  }

  logLines(msg: string): Record<string, unknown>[] {
    return this.output.flatMap((l) => {
      try {
        const o = JSON.parse(l) as Record<string, unknown>;
        return o.msg === msg ? [o] : [];
      } catch {
        return [];
      }
    });
  }
}
