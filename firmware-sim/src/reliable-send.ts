import { performance } from 'node:perf_hooks';
import type { Clock, DeviceCommand, TimerHandle } from '@trygg/protocol';
import { SimulatorError } from './errors';

export interface ReliableOptions {
  /** First wait before the message is sent again; doubles after each re-send. Default 1000 ms. */
  resendMs?: number;
  /** Longest wait between re-sends. Default 8000 ms. */
  maxResendMs?: number;
  /** Reject with TRYGG_SIM_NOT_CONFIRMED after this long. Default: never (a real device never gives up on a press). */
  giveUpMs?: number;
}

export interface ConfirmedMessage {
  msgId: string;
  seq: number;
  /** performance.now() just before the first publish. */
  sentAt: number;
  /** performance.now() when the confirmation arrived. */
  confirmedAt: number;
  /** Publishes made, the first included. */
  attempts: number;
  /** The confirmation: the DeviceCommand carrying this message's msgId. */
  command: DeviceCommand;
}

export const DEFAULT_RESEND_MS = 1000;
export const DEFAULT_MAX_RESEND_MS = 8000;

/**
 * One message a device repeats until the server confirms it (docs/protocol.md, "Delivery
 * contract"): the same bytes (same msgId, same seq) on a doubling backoff. At most one copy is
 * ever waiting in the MQTT client: a re-send is skipped while the previous publish has no PUBACK
 * yet (mqtt.js keeps it and sends it on reconnect), so a device that is offline for a minute
 * does not queue sixty copies. After a reconnect that copy may have been lost with the old
 * connection, so the next re-send goes out regardless.
 */
export class ReliableSend {
  private attempts = 0;
  private inFlight = false;
  private delayMs: number;
  private timer: TimerHandle | null = null;
  private giveUpTimer: TimerHandle | null = null;
  private settled = false;
  /** Re-sends skipped because the previous copy was still waiting in the client (tests, logs). */
  skipped = 0;
  readonly done: Promise<ConfirmedMessage>;
  private resolve!: (m: ConfirmedMessage) => void;
  private reject!: (err: Error) => void;
  private readonly sentAt = performance.now();

  constructor(
    readonly msgId: string,
    private readonly seq: number,
    private readonly publish: () => Promise<void>,
    private readonly clock: Clock,
    private readonly options: ReliableOptions,
    private readonly describe: string,
    private readonly onSettled: () => void,
  ) {
    this.delayMs = Math.max(1, options.resendMs ?? DEFAULT_RESEND_MS);
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  get attemptsMade(): number {
    return this.attempts;
  }

  start(): void {
    if (this.options.giveUpMs !== undefined) {
      this.giveUpTimer = this.clock.setTimer(this.options.giveUpMs, () => this.fail(new SimulatorError(
        'TRYGG_SIM_NOT_CONFIRMED',
        `${this.describe} not confirmed within ${this.options.giveUpMs} ms (${this.attempts} attempt${this.attempts === 1 ? '' : 's'})`,
      )));
    }
    this.attempt();
    this.schedule();
  }

  /** The connection came back: a copy still marked in flight may have died with the old one. */
  reconnected(): void {
    this.inFlight = false;
  }

  confirm(command: DeviceCommand): void {
    if (this.settled) return;
    this.finish();
    this.resolve({ msgId: this.msgId, seq: this.seq, sentAt: this.sentAt, confirmedAt: performance.now(), attempts: this.attempts, command });
  }

  fail(err: Error): void {
    if (this.settled) return;
    this.finish();
    this.reject(err);
  }

  private attempt(): void {
    if (this.inFlight) {
      this.skipped++;
      return;
    }
    this.inFlight = true;
    this.attempts++;
    this.publish().then(
      () => { this.inFlight = false; },
      // A failed publish (client closing, broker refusal) is retried by the next re-send.
      () => { this.inFlight = false; },
    );
  }

  private schedule(): void {
    if (this.settled) return;
    this.timer = this.clock.setTimer(this.delayMs, () => {
      this.timer = null;
      if (this.settled) return;
      this.attempt();
      this.delayMs = Math.min(this.delayMs * 2, Math.max(this.options.maxResendMs ?? DEFAULT_MAX_RESEND_MS, 1));
      this.schedule();
    });
  }

  private finish(): void {
    this.settled = true;
    this.timer?.cancel();
    this.giveUpTimer?.cancel();
    this.onSettled();
  }
}
