import type { Clock, DeviceEvent, Receipt, TimerHandle } from '@trygg/protocol';
import type { Logger } from 'pino';
import { ALARM_PRIORITY, eventPriority } from './event-priority';
import type { Outbox, OutboxEntry } from './outbox';

/** Hands an event to the uplink; false when the link is down or too busy (the event stays due). */
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
  /**
   * Routine events (not press/cancel/man-down) handed to the uplink and not yet receipted, at
   * most; default 64. Bounds the queue an alarm could find in front of it at the server.
   */
  maxRoutineInFlight?: number;
}

export type SubmitResult = 'stored' | 'already-pending';
export type ReceiptResult = 'removed' | 'unknown';

/**
 * Moves events from the durable outbox to the uplink until the server receipts them
 * (docs/protocol.md, "End-to-end receipts"). The relay never forgets an event on its own: only a receipt
 * removes it. Re-sends are harmless because the server dedupes by eventId.
 *
 * Alarms first: the outbox hands out presses, cancels and man-down before anything else, an
 * alarm is published the moment it is stored whatever else is waiting, and routine events go
 * out in a window of `maxRoutineInFlight` unreceipted ones, refilled as receipts arrive, so a
 * backlog of thousands of releases or locations never stands between a press and the server.
 */
export class OutboxRelay {
  private timer: TimerHandle | null = null;
  private readonly tickMs: number;
  private readonly batchLimit: number;
  private readonly maxRoutineInFlight: number;
  /** Routine events handed to the uplink, by eventId, with when. */
  private readonly routineInFlight = new Map<string, number>();

  constructor(private readonly opts: OutboxRelayOptions) {
    // A quarter of the interval: an event is re-sent between 1 and 1.25 intervals after the
    // last attempt, without a timer per event.
    this.tickMs = Math.max(10, Math.floor(opts.resendIntervalMs / 4));
    this.batchLimit = opts.batchLimit ?? 500;
    this.maxRoutineInFlight = opts.maxRoutineInFlight ?? 64;
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  /**
   * Store first, then publish (docs/architecture.md, "Store before telling"). Throws if the outbox cannot
   * store the event; the caller decides what to do then.
   */
  submit(event: DeviceEvent): SubmitResult {
    const now = this.opts.clock.now();
    if (!this.opts.outbox.add(event, now)) return 'already-pending';
    this.send([event], now);
    return 'stored';
  }

  /** Publishes every pending event (alarms first); called on each (re)connect of the uplink. */
  flushAll(): number {
    this.routineInFlight.clear(); // a new connection: nothing earlier is known to be on its way
    return this.send(this.opts.outbox.pending(this.batchLimit), this.opts.clock.now());
  }

  acknowledge(receipt: Receipt): ReceiptResult {
    const removed = this.opts.outbox.remove(receipt.eventId);
    if (receipt.status === 'rejected') {
      // The server will never accept this event; keeping it would re-send it forever.
      this.opts.logger.warn({ eventId: receipt.eventId, reason: receipt.reason }, 'server rejected event');
    }
    if (this.routineInFlight.delete(receipt.eventId) && this.routineInFlight.size <= this.maxRoutineInFlight / 2) {
      // Refill the window at the server's pace instead of waiting for the next tick.
      this.sendDue(this.opts.clock.now());
    }
    return removed ? 'removed' : 'unknown';
  }

  /** Publishes the events that are due (never sent, or unreceipted for an interval); exposed for tests. */
  resendDue(): number {
    const now = this.opts.clock.now();
    return this.sendDue(now);
  }

  /** Routine events currently counted against the window; for tests. */
  routineInFlightCount(): number {
    return this.routineInFlight.size;
  }

  private sendDue(now: number): number {
    const due = this.opts.outbox.due(now - this.opts.resendIntervalMs, this.batchLimit);
    const resent = due.filter((e) => e.attempts > 0).length;
    const sent = this.send(due, now);
    if (sent > 0 && resent > 0) this.opts.logger.info({ count: sent, resent }, 're-sent unreceipted events');
    return sent;
  }

  private send(entries: readonly (OutboxEntry | DeviceEvent)[], now: number): number {
    this.forgetStale(now);
    const sent: string[] = [];
    for (const entry of entries) {
      const event = 'event' in entry ? entry.event : entry;
      const alarm = eventPriority(event.kind) === ALARM_PRIORITY;
      // Entries come alarms first, so a full window or a busy link stops only routine ones.
      if (!alarm && this.routineInFlight.size >= this.maxRoutineInFlight && !this.routineInFlight.has(event.eventId)) break;
      if (!this.opts.publish(event)) break; // link down or busy: the reconnect flush or next tick sends the rest
      if (!alarm) {
        this.routineInFlight.delete(event.eventId); // re-set at the end: the Map stays in send order
        this.routineInFlight.set(event.eventId, now);
      }
      sent.push(event.eventId);
    }
    this.opts.outbox.markSent(sent, now);
    return sent.length;
  }

  /** An event unreceipted for a whole interval is due again; it no longer holds a window slot. */
  private forgetStale(now: number): void {
    for (const [eventId, sentAt] of this.routineInFlight) {
      if (now - sentAt < this.opts.resendIntervalMs) break; // insertion order is send order
      this.routineInFlight.delete(eventId);
    }
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
