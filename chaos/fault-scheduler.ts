import type { Random } from './random';
import type { SupervisedProcess } from './supervised-process';

export type FaultKind = 'kill' | 'freeze' | 'restart';

export interface FaultTarget {
  /** One process, or several hit at the same moment (server and gateway together). */
  processes: readonly SupervisedProcess[];
  /** The faults that are fair for this process (see docs/reliability.md, "What is fair"). */
  kinds: readonly (readonly [FaultKind, number])[];
  /** Relative chance of being picked. */
  weight: number;
}

export interface Fault {
  at: number;
  kind: FaultKind;
  target: string;
  /** The target's state when it was hit: `starting` means during start-up. */
  targetState: string;
  /** Freezes: how long, ms. */
  durationMs?: number;
}

/**
 * Injects `count` faults, one at a time, at exponentially distributed gaps: a SIGKILL, a freeze
 * (SIGSTOP, then SIGCONT after up to `freezeMaxMs`: most short, some long) or an orderly restart.
 * A target that is down or frozen right now is left alone; one that is still starting is hit in
 * `startupShare` of the draws (so kills during start-up happen, without keeping it down for good).
 */
export class FaultScheduler {
  readonly faults: Fault[] = [];
  private stopped = false;

  constructor(
    private readonly targets: readonly FaultTarget[],
    private readonly random: Random,
    private readonly opts: {
      meanGapMs: number;
      freezeMaxMs: number;
      /** Chance that a fault may hit a process that is still starting (else only running ones). */
      startupShare: number;
      onFault?: (fault: Fault) => void;
    },
  ) {}

  async run(count: number): Promise<void> {
    while (this.faults.length < count && !this.stopped) {
      await new Promise((r) => setTimeout(r, Math.min(this.random.exponential(this.opts.meanGapMs), this.opts.meanGapMs * 6)));
      if (this.stopped) return;
      this.inject();
    }
  }

  stop(): void {
    this.stopped = true;
  }

  private inject(): void {
    const usable = this.targets.filter((t) => t.processes.every((p) => p.state !== 'down' && p.state !== 'frozen'));
    const up = usable.filter((t) => t.processes.every((p) => p.state === 'up'));
    // A process still starting is hit only now and then: often enough to test start-up, rarely
    // enough that the system is up for part of the run (a start takes seconds on a busy machine).
    const hitStarting = up.length === 0 || this.random.next() < this.opts.startupShare;
    const candidates = hitStarting ? usable : up;
    if (candidates.length === 0) return; // everything is down or frozen: the next gap draws again
    const target = this.random.weighted(candidates.map((t) => [t, t.weight] as const));
    const kind = this.random.weighted(target.kinds);
    const fault: Fault = { at: Date.now(), kind, target: nameOf(target), targetState: target.processes.map((p) => p.state).join('+') };
    if (kind === 'kill') for (const p of target.processes) p.kill();
    else if (kind === 'restart') for (const p of target.processes) p.restart();
    else {
      // Mostly short freezes (a GC pause, a busy host), one in ten up to the maximum (a hung VM).
      const long = this.random.next() < 0.1;
      fault.durationMs = Math.round(long ? this.random.between(this.opts.freezeMaxMs / 2, this.opts.freezeMaxMs) : this.random.between(300, Math.min(3000, this.opts.freezeMaxMs)));
      for (const p of target.processes) p.freeze(fault.durationMs);
    }
    this.faults.push(fault);
    this.opts.onFault?.(fault);
  }
}

export function nameOf(target: FaultTarget): string {
  return target.processes.map((p) => p.name).join('+');
}
