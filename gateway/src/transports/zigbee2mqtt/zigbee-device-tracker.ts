import { createHash, randomUUID } from 'node:crypto';
import type { Clock, DeviceMessage, DeviceMessageType } from '@trygg/protocol';
import { RecentIds } from '../../commands/recent-ids';
import type { ZigbeeReading } from '../../converters/zigbee/zigbee-converters';

/** How a state payload reached us, beside what it says. */
export interface PayloadOrigin {
  /** The payload's `last_seen` (ISO string or epoch ms) when Zigbee2MQTT's `advanced.last_seen` is on. */
  lastSeen?: string | number;
  /** The MQTT retain flag: set only on a stored message replayed when we (re)subscribe. */
  retained: boolean;
  /** The raw payload, to tell a retained replay of the same bytes from a new message. */
  payload: Uint8Array;
}

/** Why a tracker dropped something, for the transport's counters and logs. */
export type TrackerNote =
  | { kind: 'duplicate-press' }
  | { kind: 'debounced-press' }
  | { kind: 'other-action'; action: string };

export interface TrackerResult {
  messages: DeviceMessage[];
  notes: TrackerNote[];
}

export interface TrackerOptions {
  friendlyName: string;
  clock: Clock;
  /** Without `last_seen`, presses closer together than this are one press; default 2000 ms. */
  debounceMs?: number;
  /** Unique ids for messages that cannot be given a deterministic one; default random UUIDs. */
  randomId?: () => string;
}

const SEEN_PRESSES_PER_DEVICE = 64;
export const DEFAULT_PRESS_DEBOUNCE_MS = 2000;

/**
 * The memory of one Zigbee2MQTT device: turns converter readings into DeviceMessages, producing
 * each physical press once although Zigbee2MQTT repeats its cached state in every payload and
 * brokers replay retained payloads at every (re)subscribe.
 *
 * - A press with `last_seen` (the coordinator's receive time) gets the msgId
 *   `z2m-<hash(friendlyName, last_seen)>`: a replay of that payload, now or after a gateway
 *   restart, has the same msgId, so the gateway outbox and the server fold it (eventId dedupe),
 *   and this tracker drops the replays it remembers.
 * - Without `last_seen`, a live press gets a random msgId and presses within `debounceMs` of the
 *   previous one are one press (the server folds later repeats into the open alarm anyway). A
 *   retained replay without `last_seen` gets `hash(friendlyName, payload bytes)`, so a gateway
 *   restart raises it at most once more (it may be a press made while the gateway was away).
 * - Level flags (`sos`, `tamper`, `battery_low`) count on their change to true only.
 */
export class ZigbeeDeviceTracker {
  private readonly seenPresses = new RecentIds(SEEN_PRESSES_PER_DEVICE);
  private readonly debounceMs: number;
  private readonly randomId: () => string;
  private lastLivePressAt: number | undefined;
  private alarm: boolean | undefined;
  private tamper: boolean | undefined;
  private batteryLow: boolean | undefined;
  private available: boolean | undefined;
  private seq = 0;

  constructor(private readonly opts: TrackerOptions) {
    this.debounceMs = opts.debounceMs ?? DEFAULT_PRESS_DEBOUNCE_MS;
    this.randomId = opts.randomId ?? randomUUID;
  }

  /** A state payload on `<base>/<friendly_name>`, already read by the model's converter. */
  state(reading: ZigbeeReading, origin: PayloadOrigin): TrackerResult {
    const result: TrackerResult = { messages: [], notes: [] };
    const lastSeenKey = origin.lastSeen === undefined ? undefined : String(origin.lastSeen);
    const at = lastSeenKey === undefined ? undefined : isoTime(origin.lastSeen);
    const emit = (type: DeviceMessageType, msgId: string, battery?: number) =>
      result.messages.push(this.message(type, msgId, at, battery));

    if (reading.otherAction !== undefined) result.notes.push({ kind: 'other-action', action: reading.otherAction });

    const rising = reading.alarm === true && this.alarm !== true;
    const falling = reading.alarm === false && this.alarm === true;
    if (reading.alarm !== undefined) this.alarm = reading.alarm;
    if (reading.pressAction !== undefined || rising) {
      const msgId = this.pressId(origin, lastSeenKey, result.notes);
      // Safety: the press is emitted before anything else the payload says.
      if (msgId !== null) emit('press', msgId, reading.battery);
    }
    if (falling) emit('release', this.eventId('release', lastSeenKey));

    if (reading.tamper === true && this.tamper !== true) emit('tamper', this.eventId('tamper', lastSeenKey));
    if (reading.tamper !== undefined) this.tamper = reading.tamper;
    if (reading.batteryLow === true && this.batteryLow !== true) {
      emit('low-battery', this.eventId('low-battery', lastSeenKey), reading.battery);
    }
    if (reading.batteryLow !== undefined) this.batteryLow = reading.batteryLow;

    // Every state payload means the device was alive when it was sent; a retained one without
    // `last_seen` may be days old, so it says nothing about now.
    if (lastSeenKey !== undefined || !origin.retained) {
      this.available = true;
      emit('heartbeat', this.eventId('heartbeat', lastSeenKey), reading.battery);
    }
    return result;
  }

  /** An availability payload on `<base>/<friendly_name>/availability`. */
  availability(state: 'online' | 'offline'): DeviceMessage[] {
    const now = new Date(this.opts.clock.now()).toISOString();
    if (state === 'online') {
      this.available = true;
      return [this.message('heartbeat', this.eventId('heartbeat', undefined), now)];
    }
    // Zigbee2MQTT retains availability, so every resubscribe replays it: report the change only.
    if (this.available === false) return [];
    this.available = false;
    return [this.message('unavailable', this.eventId('unavailable', undefined), now)];
  }

  /** The msgId of a press, or null when this press was already produced. */
  private pressId(origin: PayloadOrigin, lastSeenKey: string | undefined, notes: TrackerNote[]): string | null {
    const { friendlyName } = this.opts;
    if (lastSeenKey !== undefined) {
      if (!this.seenPresses.add(`last-seen:${lastSeenKey}`)) return duplicate(notes);
      return digestId(friendlyName, 'press', lastSeenKey);
    }
    const bytes = createHash('sha256').update(origin.payload).digest('hex');
    if (origin.retained) {
      if (!this.seenPresses.add(`payload:${bytes}`)) return duplicate(notes);
      return digestId(friendlyName, 'press', 'retained', bytes);
    }
    const now = this.opts.clock.now();
    if (this.lastLivePressAt !== undefined && now - this.lastLivePressAt < this.debounceMs) {
      notes.push({ kind: 'debounced-press' });
      return null;
    }
    this.lastLivePressAt = now;
    // A later retained replay of these very bytes is this press, not a new one.
    this.seenPresses.add(`payload:${bytes}`);
    return `z2m-${this.randomId()}`;
  }

  private eventId(kind: string, lastSeenKey: string | undefined): string {
    return lastSeenKey === undefined ? `z2m-${this.randomId()}` : digestId(this.opts.friendlyName, kind, lastSeenKey);
  }

  private message(type: DeviceMessageType, msgId: string, at: string | undefined, battery?: number): DeviceMessage {
    this.seq = (this.seq + 1) % 4_294_967_296;
    return { v: 1, type, msgId, seq: this.seq, ...(at !== undefined && { at }), ...(battery !== undefined && { battery }) };
  }
}

function duplicate(notes: TrackerNote[]): null {
  notes.push({ kind: 'duplicate-press' });
  return null;
}

/** A deterministic msgId within the protocol's eventId alphabet, whatever the friendly name holds. */
export function digestId(...parts: string[]): string {
  return `z2m-${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 40)}`;
}

/**
 * `last_seen` as the message's `at`: Zigbee2MQTT sends ISO_8601(_local) strings or epoch
 * milliseconds, normalised to UTC ISO here. Anything else (microseconds, seconds, a garbled
 * string) is passed on as text, not dropped: the gateway judges every device time
 * (device-time.ts), uses its own receive time for an absurd one, and logs and counts it.
 */
export function isoTime(lastSeen: unknown): string | undefined {
  if (typeof lastSeen !== 'string' && typeof lastSeen !== 'number') return undefined;
  const ms = typeof lastSeen === 'number' ? lastSeen : Date.parse(lastSeen);
  if (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15) return new Date(ms).toISOString();
  return String(lastSeen).slice(0, 64);
}
