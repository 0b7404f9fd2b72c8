import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { EventEmitter } from 'node:events';

export type ProcessState = 'down' | 'starting' | 'up' | 'frozen';

export interface ProcessSpec {
  /** Fault target name, e.g. `server`, `gw-main`. */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  /** Every line the process prints, across restarts, goes here (kept for a run that lost something). */
  logFile: string;
  /** Resolves true once the process serves; polled every 100 ms while it starts. */
  ready?: (child: ChildProcess) => Promise<boolean>;
  /** Or: up once it printed a line matching this. */
  readyLine?: RegExp;
  /** With an IPC channel (the HID gateway talks to the harness over it). */
  ipc?: boolean;
  /** Wait before restarting a process that died, like systemd's RestartSec; ms. */
  restartDelayMs: number;
}

export interface ProcessEvents {
  /** A new child was spawned (`ipc` messages come from it). */
  spawned: [ChildProcess];
  up: [];
  down: [code: number | null, signal: NodeJS.Signals | null];
}

/**
 * One process of the system under test, kept running the way a service manager would: when it
 * dies (our SIGKILL or its own crash) it is started again after `restartDelayMs`. The faults are
 * methods: `kill` (SIGKILL, also during start-up), `freeze` (SIGSTOP, SIGCONT after a while),
 * `restart` (SIGTERM, then start: an orderly restart).
 */
export class SupervisedProcess extends EventEmitter<ProcessEvents> {
  state: ProcessState = 'down';
  child: ChildProcess | null = null;
  /** Exits we did not cause (not SIGKILL, not an orderly stop): a crash of the system under test. */
  readonly crashes: { at: number; code: number | null; signal: string | null }[] = [];
  starts = 0;
  /** Exits with an error after our SIGTERM (an orderly stop that crashed on the way out). */
  readonly uncleanStops: { at: number; code: number | null }[] = [];
  private upSince: number | null = null;
  private upMs = 0;
  private sentTerm = false;
  private readonly log: WriteStream;
  private supervising = false;
  private expectingExit = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private thawTimer: NodeJS.Timeout | null = null;
  private readonly tail: string[] = [];
  private sawReadyLine = false;

  constructor(readonly spec: ProcessSpec) {
    super();
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
  }

  get name(): string {
    return this.spec.name;
  }

  /** Starts the process and keeps it running; resolves once it is up the first time. */
  async supervise(): Promise<void> {
    this.supervising = true;
    this.spawnChild();
    await this.untilUp();
  }

  untilUp(): Promise<void> {
    if (this.state === 'up') return Promise.resolve();
    return new Promise((resolve) => this.once('up', resolve));
  }

  /** SIGKILL: no shutdown code runs. The supervisor restarts it. */
  kill(): void {
    this.clearThaw();
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.expectingExit = true;
    child.kill('SIGKILL');
    // Down from now on: the exit event comes a moment later, and no other fault may hit it meanwhile.
    this.leaveUp();
    this.state = 'down';
  }

  /** SIGSTOP now, SIGCONT after `ms`: the process neither runs nor closes its sockets meanwhile. */
  freeze(ms: number): void {
    const child = this.child;
    if (!child || this.state === 'frozen' || this.state === 'down' || child.exitCode !== null || child.signalCode !== null) return;
    const before = this.state;
    child.kill('SIGSTOP');
    this.leaveUp();
    this.state = 'frozen';
    this.thawTimer = setTimeout(() => this.thaw(before), ms);
  }

  /** SIGTERM (the process saves and closes what it has), then the supervisor starts it again. */
  restart(): void {
    this.clearThaw();
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.expectingExit = true;
    this.sentTerm = true;
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    this.leaveUp();
    this.state = 'down';
  }

  /** Ends supervision: thaws, stops politely (SIGKILL after `graceMs`), resolves once it exited. */
  async stop(graceMs = 10_000): Promise<void> {
    this.supervising = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.clearThaw();
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      this.expectingExit = true;
      this.sentTerm = true;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(timer);
    }
    if (!this.log.writableEnded) await new Promise<void>((resolve) => this.log.end(resolve));
  }

  /** Milliseconds spent up (serving, not frozen) since `from` (the start of supervision if earlier). */
  upTimeMs(): number {
    return this.upMs + (this.upSince !== null && this.state === 'up' ? Date.now() - this.upSince : 0);
  }

  /** Resets the up-time count (at the start of the fault phase). */
  resetUpTime(): void {
    this.upMs = 0;
    if (this.upSince !== null) this.upSince = Date.now();
  }

  private leaveUp(): void {
    if (this.upSince !== null) this.upMs += Date.now() - this.upSince;
    this.upSince = null;
  }

  /** The last lines the process printed (for error messages). */
  lastLines(n = 20): string[] {
    return this.tail.slice(-n);
  }

  private thaw(before: ProcessState): void {
    this.thawTimer = null;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGCONT');
    if (this.state === 'frozen') this.state = before === 'up' ? 'up' : 'starting';
    if (this.state === 'up') this.upSince = Date.now();
    if (this.state === 'starting') void this.waitReady(child);
  }

  private clearThaw(): void {
    if (this.thawTimer) clearTimeout(this.thawTimer);
    this.thawTimer = null;
  }

  private spawnChild(): void {
    const { spec } = this;
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe', ...(spec.ipc ? ['ipc' as const] : [])],
    });
    this.child = child;
    this.starts++;
    this.state = 'starting';
    this.expectingExit = false;
    this.sentTerm = false;
    this.sawReadyLine = false;
    this.log.write(`--- chaos: start #${this.starts} pid ${child.pid} at ${new Date().toISOString()}\n`);
    const collect = (chunk: Buffer) => {
      this.log.write(chunk);
      const lines = chunk.toString('utf8').split('\n').filter(Boolean);
      if (spec.readyLine && this.child === child && lines.some((l) => spec.readyLine!.test(l))) this.sawReadyLine = true;
      this.tail.push(...lines);
      if (this.tail.length > 200) this.tail.splice(0, this.tail.length - 200);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('error', (err) => this.log.write(`--- chaos: spawn error ${err.message}\n`));
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    this.emit('spawned', child);
    void this.waitReady(child);
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    while (this.child === child && this.state === 'starting') {
      let ok = false;
      try {
        ok = this.spec.ready ? await this.spec.ready(child) : this.sawReadyLine;
      } catch {
        ok = false;
      }
      if (ok && this.child === child && this.state === 'starting') {
        this.state = 'up';
        this.upSince = Date.now();
        this.log.write(`--- chaos: up at ${new Date().toISOString()}\n`);
        this.emit('up');
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.clearThaw();
    this.leaveUp();
    this.state = 'down';
    if (this.sentTerm && signal === null && code !== 0) this.uncleanStops.push({ at: Date.now(), code });
    this.log.write(`--- chaos: exit code ${code} signal ${signal} at ${new Date().toISOString()}\n`);
    if (!this.expectingExit) this.crashes.push({ at: Date.now(), code, signal });
    this.emit('down', code, signal);
    if (!this.supervising) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.supervising) this.spawnChild();
    }, this.spec.restartDelayMs);
  }
}
