import type { Notification, NotificationPurpose, NotificationSubject, Recipient } from './notifier';

/**
 * The outbox of outbound notifications (the persistence port of the notify pipeline). Every
 * notification is written here, committed, before any attempt to send it; every attempt is
 * logged; and the row's state is the truth about whether a guard, colleague or the police has
 * been told. SQLite implements it (sqlite-notification-store.ts); every backend passes
 * notification-store-conformance.ts.
 *
 * Ownership: one dispatcher process owns a store at a time (a 'sending' row that it is not
 * working on is left over from a crash and is sent again — at-least-once).
 */
export type NotificationState = 'pending' | 'sending' | 'delivered' | 'failed';

/** What the dispatcher asks the store to keep; `nextAttemptAt` is when the first attempt is due. */
export interface NewNotification {
  id: string;
  /** Unique: a second notification with the same key is ignored (never the same person twice for one step). */
  dedupeKey: string;
  channel: string;
  target: string;
  purpose: NotificationPurpose;
  alarmId?: string;
  subject: NotificationSubject;
  recipient: Recipient;
  /** ISO time. */
  createdAt: string;
  /** Epoch ms. */
  nextAttemptAt: number;
}

export interface StoredNotification extends Omit<Notification, 'attempt'> {
  dedupeKey: string;
  alarmId?: string;
  state: NotificationState;
  /** Attempts started so far (the one in flight included). */
  attempts: number;
  /** Epoch ms of the next attempt while pending, else null. */
  nextAttemptAt: number | null;
  lastError?: string;
  /** The provider's id for the delivered message (its delivery receipt). */
  providerRef?: string;
  /** What the provider later reported from the handset (an SMS delivery receipt), if anything. */
  handset?: HandsetReport;
  /** Epoch ms when `onPermanentFailure` was told about a failed notification (escalated). */
  failureReportedAt?: number;
  /** Epoch ms. */
  updatedAt: number;
}

/**
 * A provider's delivery receipt: 'delivered' reached the phone; 'failed' did not (expired,
 * undeliverable). A message in several parts is failed if any part failed.
 */
export interface HandsetReport {
  state: 'delivered' | 'failed' | 'pending';
  detail: string;
  /** Epoch ms. */
  at: number;
}

export type AttemptOutcome = 'delivered' | 'recoverable' | 'permanent' | 'interrupted';

/** One row of the attempts log. `outcome` is absent while the attempt is in flight. */
export interface DeliveryAttempt {
  notificationId: string;
  attempt: number;
  startedAt: number;
  finishedAt?: number;
  outcome?: AttemptOutcome;
  error?: string;
  providerRef?: string;
  detail?: string;
}

export interface EnqueueResult {
  notification: StoredNotification;
  /** False when a notification with the same dedupe key already existed (it is returned instead). */
  created: boolean;
}

export interface NotificationStore {
  /**
   * Inserts the notifications in one transaction, ignoring any whose dedupe key is already
   * stored. Resolves once committed; the results are in input order.
   */
  enqueue(notifications: NewNotification[]): Promise<EnqueueResult[]>;
  get(id: string): Promise<StoredNotification | undefined>;
  /** Everything sent or being sent for an alarm, oldest first (the console's "already notified"). */
  listByAlarm(alarmId: string): Promise<StoredNotification[]>;
  /**
   * The oldest notification stored before `n` for the same alarm, channel, target and recipient
   * that is not finished yet (pending or sending): `n` must wait for it (messages for one alarm
   * to one party go in order). Undefined when there is none, or `n` has no alarm.
   */
  earlierUnfinished(n: Pick<StoredNotification, 'id' | 'alarmId' | 'channel' | 'target' | 'recipient'>): Promise<StoredNotification | undefined>;
  /** Pending notifications due at or before `now`, soonest first. */
  due(now: number, limit?: number): Promise<StoredNotification[]>;
  /** All pending notifications, soonest first. */
  pending(): Promise<StoredNotification[]>;
  /**
   * Starts an attempt: pending -> sending, attempts + 1, an attempt row opened. With `reclaim`,
   * a row stuck in 'sending' (its worker died) is taken too and its open attempt marked
   * 'interrupted'. Undefined when the row is not claimable (delivered, failed, or busy).
   */
  claim(id: string, now: number, options?: { reclaim?: boolean }): Promise<StoredNotification | undefined>;
  /** The following three finish attempt `attempt`; they do nothing (false) if it is not the current one. */
  markDelivered(id: string, attempt: number, receipt: { providerRef?: string; providerRefs?: string[]; detail?: string }, now: number): Promise<boolean>;
  /**
   * A delivery receipt for provider reference `providerRef` of `channel`: recorded on the
   * notification that got that reference. Returns the notification, or undefined if no
   * notification has that reference yet; the report is kept and applied when markDelivered
   * records the reference (receipts can overtake the submit's answer). 'failed' is never
   * overwritten by a later 'delivered'.
   */
  recordHandsetReport(channel: string, providerRef: string, report: HandsetReport): Promise<StoredNotification | undefined>;
  markRetry(id: string, attempt: number, error: string, nextAttemptAt: number, now: number): Promise<boolean>;
  markFailed(id: string, attempt: number, error: string, recoverable: boolean, now: number): Promise<boolean>;
  /** Records that the permanent failure was escalated. */
  markFailureReported(id: string, now: number): Promise<void>;
  /** Failed notifications whose escalation was never confirmed (a crash in between). */
  unreportedFailures(): Promise<StoredNotification[]>;
  /** After a restart: every 'sending' row becomes pending, due `now`; its open attempt 'interrupted'. Returns how many. */
  recoverInterrupted(now: number): Promise<number>;
  attempts(id: string): Promise<DeliveryAttempt[]>;
  close(): Promise<void>;
}
