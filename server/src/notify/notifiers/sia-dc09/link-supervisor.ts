/**
 * [DC-09 5.5.2.1] Link supervision: a NULL message to every supervised ARC receiver at start
 * and then every `linkTestIntervalS`. After `failuresBeforeDown` failures in a row the link is
 * down and `onLinkDown` is called once — the caller raises a technical alarm, because alarms
 * may not reach the guards; the first success after that calls `onLinkUp` once. Primary and
 * secondary are supervised separately: a dead primary matters even while the secondary answers.
 * Timers come from the injected Clock; a test is started only when the previous one finished.
 */
import type { Clock, TimerHandle } from '@trygg/protocol';
import type { SendResult } from '../../notifier';
import type { ArcReceiverRole } from './config';
import type { NotifierLogger } from './sia-dc09-notifier';

export interface ArcLinkProbe {
  supervisedLinks(): { target: string; receiver: ArcReceiverRole; address: string; intervalS: number }[];
  linkTest(target: string, receiver: ArcReceiverRole, signal: AbortSignal): Promise<SendResult>;
}

export interface ArcLinkEvent {
  target: string;
  receiver: ArcReceiverRole;
  address: string;
  /** Consecutive failed link tests (0 on onLinkUp). */
  failures: number;
  /** The last failure, already free of secrets. */
  error?: string;
}

export type ArcLinkState = 'unknown' | 'up' | 'down';

export interface ArcLinkSupervisorOptions {
  probe: ArcLinkProbe;
  clock: Clock;
  onLinkDown(target: string, event: ArcLinkEvent): void;
  onLinkUp(target: string, event: ArcLinkEvent): void;
  /** Failed tests in a row before the link counts as down; default 2. */
  failuresBeforeDown?: number;
  logger?: NotifierLogger;
}

interface Link {
  target: string;
  receiver: ArcReceiverRole;
  address: string;
  intervalMs: number;
  state: ArcLinkState;
  failures: number;
  lastError?: string;
  timer?: TimerHandle;
}

export class ArcLinkSupervisor {
  private links: Link[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private started = false;

  constructor(private readonly options: ArcLinkSupervisorOptions) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.links = this.options.probe.supervisedLinks().map((l) => ({ ...l, intervalMs: l.intervalS * 1000, state: 'unknown', failures: 0 }));
    for (const link of this.links) this.schedule(link, 0);
  }

  /** Cancels the timers and waits for tests in flight. */
  async stop(): Promise<void> {
    this.abort.abort();
    for (const link of this.links) link.timer?.cancel();
    await this.settled();
  }

  /** Resolves when no link test is in flight (tests advance a FakeClock, then await this). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  status(): { target: string; receiver: ArcReceiverRole; address: string; state: ArcLinkState; failures: number; lastError?: string }[] {
    return this.links.map(({ target, receiver, address, state, failures, lastError }) => ({
      target, receiver, address, state, failures, ...(lastError !== undefined ? { lastError } : {}),
    }));
  }

  private schedule(link: Link, ms: number): void {
    if (this.abort.signal.aborted) return;
    link.timer = this.options.clock.setTimer(ms, () => {
      const run = this.test(link).finally(() => {
        this.running.delete(run);
        this.schedule(link, link.intervalMs);
      });
      this.running.add(run);
    });
  }

  private async test(link: Link): Promise<void> {
    let result: SendResult;
    try {
      result = await this.options.probe.linkTest(link.target, link.receiver, this.abort.signal);
    } catch (err) {
      result = { ok: false, recoverable: true, error: String((err as Error)?.message ?? err) };
    }
    if (this.abort.signal.aborted) return;
    const base = { target: link.target, receiver: link.receiver, address: link.address };
    if (result.ok) {
      const wasDown = link.state === 'down';
      link.state = 'up';
      link.failures = 0;
      delete link.lastError;
      if (wasDown) {
        this.options.logger?.info(base, 'ARC link up again');
        this.notify(() => this.options.onLinkUp(link.target, { ...base, failures: 0 }));
      }
      return;
    }
    link.failures++;
    link.lastError = result.error;
    if (link.state !== 'down' && link.failures >= (this.options.failuresBeforeDown ?? 2)) {
      link.state = 'down';
      this.options.logger?.warn({ ...base, failures: link.failures, error: result.error }, 'ARC link down');
      this.notify(() => this.options.onLinkDown(link.target, { ...base, failures: link.failures, error: result.error }));
    }
  }

  /** A throwing callback must not stop supervision. */
  private notify(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.options.logger?.warn({ error: String((err as Error)?.message ?? err) }, 'ARC link callback threw');
    }
  }
}
