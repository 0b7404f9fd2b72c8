import type { AlarmKind, AlarmStateName, DeviceLocation } from '@trygg/protocol';

/**
 * The notification port (modelled on Alertmanager's notifiers). Every channel — console is
 * separate — implements `Notifier`; the pipeline (dispatcher.ts) stores each notification before
 * it is sent, dedupes, rate-limits, retries recoverable failures with backoff, records the
 * delivery, and escalates a permanent failure. Every notifier passes the shared conformance
 * suite (notifier-conformance.ts), including "no secret leaks into errors or logs".
 */
export type NotificationPurpose =
  /** An alarm reached this step of its chain. */
  | 'alarm'
  /** The alarm was resolved/cancelled: external parties get a restore/close. */
  | 'restore'
  | 'evacuation'
  /** Periodic link supervision (e.g. SIA DC-09 NULL message). */
  | 'link-test';

/** What the message is about, with everything a receiver (guard, 112 operator, colleague) needs. */
export interface NotificationSubject {
  alarmId?: string;
  kind: AlarmKind;
  state: AlarmStateName;
  drill: boolean;
  site: { id: string; name: string; address?: string; entrance?: string; timezone?: string };
  room?: { id: string; name: string; floor?: string };
  deviceId?: string;
  /** Portable alarms: the person carrying it, and where they are. */
  person?: string;
  location?: DeviceLocation;
  raisedAt: string;
  /** Staff logged in at the site's consoles when the message was composed (for the 112 operator). */
  peopleOnSite?: number;
  /** Cancelled on the device with the duress PIN: the alarm is real and silent (ARC: duress code). */
  duress?: boolean;
  /** Technical alarms: what is wrong (device-offline, low-battery, tamper, gateway-offline ...). */
  technical?: { cause: string; subject: string };
  /** Free text composed by the sender for the channel (e.g. an evacuation template), per language. */
  text?: { nb: string; en: string };
}

export interface Recipient {
  /** Stable id used for deduplication ("never the same person twice for the same step"). */
  id: string;
  name?: string;
  phone?: string;
  email?: string;
  language?: 'nb' | 'en';
}

export interface Notification {
  /** Unique id of this notification (also the idempotency key given to providers). */
  id: string;
  channel: string;
  purpose: NotificationPurpose;
  subject: NotificationSubject;
  recipient: Recipient;
  /** Which party/configuration of the channel to use (e.g. the ARC or the SMS provider). */
  target: string;
  createdAt: string;
  /**
   * 1 for the first attempt, counting every attempt started (one cut short by a crash too). A
   * retry has the same `id`: a provider that honours the idempotency key drops the repeat.
   */
  attempt: number;
  /**
   * For a restore: the earlier messages of the same alarm to the same recipient, channel and
   * target — what the restore clears (CAP names them in a Cancel's `<references>`). Set by the
   * pipeline (stages/retry.ts), oldest first.
   */
  earlier?: { id: string; createdAt: string }[];
}

export type SendResult =
  /**
   * `providerRefs`: every id the provider gave (a long SMS is several messages), so a later
   * delivery receipt for any of them finds the notification.
   */
  | { ok: true; providerRef?: string; providerRefs?: string[]; detail?: string }
  /** `recoverable`: whether a retry can help (timeouts, 5xx, NAK) or not (4xx, bad number). */
  | { ok: false; recoverable: boolean; error: string };

export interface Notifier {
  readonly channel: string;
  /** Must not throw: every failure is a SendResult, and its text holds no secret. */
  send(notification: Notification, signal: AbortSignal): Promise<SendResult>;
  /**
   * How long one send() may take when the notifier runs its own attempts inside it (SIA DC-09:
   * rounds over primary and secondary receivers). The pipeline allows the larger of this and its
   * per-attempt timeout, so it does not abort a failover half-way.
   */
  attemptBudgetMs?(notification: Notification): number | undefined;
  /**
   * Connections that must stay up to receive (an SMSC bind for replies and delivery receipts)
   * start here, once the notifier is in use; never in the constructor, which the configuration
   * dry run also calls.
   */
  start?(): void;
  close?(): Promise<void>;
}
