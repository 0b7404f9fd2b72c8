import type { Clock, DeviceEvent, Receipt, TimerHandle } from '@trygg/protocol';
import type { Logger } from 'pino';
import type { Outbox } from './outbox';

/** Hands an event to the uplink; false when the link is down (the event stays due). */
export type PublishEvent = (event: DeviceEvent) => boolean;

export interface OutboxRelayOptions {
  outbox: Outbox;
  publish: PublishEvent;
  clock: Clock;
  logger: Logger;
  /** Unreceipted events last sent longer ago than this are sent again. */
  resendIntervalMs: number;
  /** Upper bound of events handed to the uplink per resend tick or reconnect flush. */
  batchLimit?: number;
}

export type SubmitResult = 'stored' | 'already-pending';
export type ReceiptResult = 'removed' | 'unknown';

/**
 * Moves events from the durable outbox to the uplink until the server receipts them
 * (DESIGN.md "End-to-end receipts"). The relay never forgets an event on its own: only a receipt
 * removes it. Re-sends are harmless because the server dedupes by eventId.
 */
export class OutboxRelay {
  private timer: TimerHandle | null = null;
  private readonly tickMs: number;
  private readonly batchLimit: number;

  constructor(private readonly opts: OutboxRelayOptions) {
    // A quarter of the interval: an event is re-sent between 1 and 1.25 intervals after the
    // last attempt, without a timer per event.
    this.tickMs = Math.max(10, Math.floor(opts.resendIntervalMs / 4));
    this.batchLimit = opts.batchLimit ?? 500;
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  /**
   * Store first, then publish (DESIGN.md "Store before telling"). Throws if the outbox cannot
   * store the event; the caller decides what to do then.
   */
  submit(event: DeviceEvent): SubmitResult {
    const now = this.opts.clock.now();
    if (!this.opts.outbox.add(event, now)) return 'already-pending';
    this.send([event], now);
    return 'stored';
  }

  /** Publishes every pending event at once; called on each (re)connect of the uplink. */
  flushAll(): number {
    const entries = this.opts.outbox.pending(this.batchLimit);
    return this.send(entries.map((e) => e.event), this.opts.clock.now());
  }

  acknowledge(receipt: Receipt): ReceiptResult {
    const removed = this.opts.outbox.remove(receipt.eventId);
    if (receipt.status === 'rejected') {
      // The server will never accept this event; keeping it would re-send it forever.
      this.opts.logger.warn({ eventId: receipt.eventId, reason: receipt.reason }, 'server rejected event');
    }
    return removed ? 'removed' : 'unknown';
  }

  /** Publishes the events that are due for a re-send; exposed for tests. */
  resendDue(): number {
    const now = this.opts.clock.now();
    const due = this.opts.outbox.due(now - this.opts.resendIntervalMs, this.batchLimit);
    const sent = this.send(due.map((e) => e.event), now);
    if (sent > 0) this.opts.logger.info({ count: sent }, 're-sent unreceipted events');
    return sent;
  }

  private send(events: DeviceEvent[], now: number): number {
    const sent: string[] = [];
    for (const event of events) {
      if (!this.opts.publish(event)) break; // link down: the reconnect flush sends the rest
      sent.push(event.eventId);
    }
    this.opts.outbox.markSent(sent, now);
    return sent.length;
  }

  private schedule(): void {
    this.timer = this.opts.clock.setTimer(this.tickMs, () => {
      try {
        this.resendDue();
      } catch (err) {
        this.opts.logger.error({ err }, 'outbox resend failed; retrying next tick');
      }
      if (this.timer) this.schedule();
    });
  }
}
