import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { GatewayOptions, GatewayStats } from '@trygg/gateway';
import { stopChild } from './stop-child';

const ROOT = resolve(import.meta.dirname, '../..');

export type GatewayProcessOptions = Omit<GatewayOptions, 'logger' | 'clock'>;

/**
 * A gateway in its own process (gateway-child.ts), for figures that must tell the gateway's CPU
 * and memory from the server's. Pair it with a TryggProcess started with
 * TRYGG_EMBEDDED_GATEWAY=off and the gateway's own MQTT account.
 */
export class GatewayProcess {
  private child?: ChildProcess;
  readonly output: string[] = [];

  constructor(readonly options: GatewayProcessOptions, private readonly env: Record<string, string> = {}) {}

  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  async start(timeoutMs = 20_000): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/gateway-child.ts'], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...this.env, TRYGG_GATEWAY_OPTIONS: JSON.stringify(this.options) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    const collect = (chunk: Buffer) => {
      this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (this.output.length > 2000) this.output.splice(0, this.output.length - 2000);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`gateway not ready within ${timeoutMs} ms:\n${this.output.slice(-20).join('\n')}`)), timeoutMs);
      child.on('message', (m: { type?: string }) => {
        if (m?.type !== 'ready') return;
        clearTimeout(timer);
        ok();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`gateway exited with ${code} during start:\n${this.output.slice(-20).join('\n')}`));
      });
    });
  }

  /** The gateway's counters, asked over IPC. */
  stats(): Promise<{ stats: GatewayStats; outboxDepth: number }> {
    const child = this.child;
    if (!child?.connected) return Promise.reject(new Error('gateway process is not running'));
    return new Promise((ok) => {
      const onMessage = (m: { type?: string; stats: GatewayStats; outboxDepth: number }) => {
        if (m?.type !== 'stats') return;
        child.off('message', onMessage);
        ok({ stats: m.stats, outboxDepth: m.outboxDepth });
      };
      child.on('message', onMessage);
      child.send({ type: 'stats' });
    });
  }

  /** The gateway process's `process.memoryUsage()` (heap included), asked over IPC. */
  memory(): Promise<NodeJS.MemoryUsage> {
    const child = this.child;
    if (!child?.connected) return Promise.reject(new Error('gateway process is not running'));
    return new Promise((ok) => {
      const onMessage = (m: { type?: string; memory: NodeJS.MemoryUsage }) => {
        if (m?.type !== 'memory') return;
        child.off('message', onMessage);
        ok(m.memory);
      };
      child.on('message', onMessage);
      child.send({ type: 'memory' });
    });
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
  }
}
