import type { DeviceEvent } from '@trygg/protocol';

/** One event waiting for the server's receipt. */
export interface OutboxEntry {
  event: DeviceEvent;
  /** Clock ms when the event entered the outbox. */
  storedAt: number;
  /** Clock ms of the last hand-off to the uplink; null if never sent. */
  lastSentAt: number | null;
  attempts: number;
}

/**
 * Durable store of events the server has not yet receipted (docs/protocol.md, "End-to-end receipts").
 * An implementation must have committed an event durably when `add` returns, because the event
 * is published, and the device acknowledged, right after.
 */
export interface Outbox {
  /** Stores the event unless one with the same eventId is already pending; true if stored now. */
  add(event: DeviceEvent, now: number): boolean;
  /** Pending entries in the order they were stored. */
  pending(limit?: number): OutboxEntry[];
  /** Pending entries never sent, or last sent at or before `sentBefore`, oldest first. */
  due(sentBefore: number, limit?: number): OutboxEntry[];
  markSent(eventIds: readonly string[], now: number): void;
  /** Removes a receipted event; true if it was pending. */
  remove(eventId: string): boolean;
  has(eventId: string): boolean;
  depth(): number;
  close(): void;
}
