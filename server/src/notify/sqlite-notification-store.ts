import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { setDurablePragmas } from '../store/sqlite/durable-pragmas';
import { migrate, type Migration } from '../store/sqlite/migrate';
import type {
  AttemptOutcome, DeliveryAttempt, EnqueueResult, HandsetReport, NewNotification, NotificationState, NotificationStore,
  StoredNotification,
} from './notification-store';

/** Migrations of module `notify` (see store/sqlite/migrate.ts). Never edit a released one. */
export const notifyMigrations: Migration[] = [
  {
    version: 1,
    name: 'notifications and delivery attempts',
    sql: `
      CREATE TABLE notifications (
        id                  TEXT PRIMARY KEY,
        dedupe_key          TEXT NOT NULL UNIQUE,
        channel             TEXT NOT NULL,
        target              TEXT NOT NULL,
        purpose             TEXT NOT NULL,
        alarm_id            TEXT,
        recipient_id        TEXT NOT NULL,
        subject             TEXT NOT NULL,
        recipient           TEXT NOT NULL,
        state               TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'delivered', 'failed')),
        attempts            INTEGER NOT NULL DEFAULT 0,
        next_attempt_at     INTEGER,
        last_error          TEXT,
        provider_ref        TEXT,
        failure_reported_at INTEGER,
        created_at          TEXT NOT NULL,
        updated_at          INTEGER NOT NULL
      );
      CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE state = 'pending';
      CREATE INDEX notifications_alarm ON notifications (alarm_id, created_at) WHERE alarm_id IS NOT NULL;
      CREATE INDEX notifications_unreported ON notifications (id) WHERE state = 'failed' AND failure_reported_at IS NULL;
      CREATE TABLE notification_attempts (
        notification_id TEXT NOT NULL REFERENCES notifications (id),
        attempt         INTEGER NOT NULL,
        started_at      INTEGER NOT NULL,
        finished_at     INTEGER,
        outcome         TEXT CHECK (outcome IN ('delivered', 'recoverable', 'permanent', 'interrupted')),
        error           TEXT,
        provider_ref    TEXT,
        detail          TEXT,
        PRIMARY KEY (notification_id, attempt)
      );`,
  },
  {
    version: 2,
    name: 'provider references and handset reports (SMS delivery receipts)',
    sql: `
      CREATE TABLE notification_provider_refs (
        channel         TEXT NOT NULL,
        provider_ref    TEXT NOT NULL,
        notification_id TEXT NOT NULL REFERENCES notifications (id),
        PRIMARY KEY (channel, provider_ref)
      );
      -- Receipts by provider reference, also those that arrive before the send is recorded.
      CREATE TABLE notification_receipts (
        channel      TEXT NOT NULL,
        provider_ref TEXT NOT NULL,
        state        TEXT NOT NULL CHECK (state IN ('delivered', 'failed', 'pending')),
        detail       TEXT NOT NULL,
        at           INTEGER NOT NULL,
        PRIMARY KEY (channel, provider_ref)
      );
      ALTER TABLE notifications ADD COLUMN handset_state TEXT CHECK (handset_state IN ('delivered', 'failed', 'pending'));
      ALTER TABLE notifications ADD COLUMN handset_detail TEXT;
      ALTER TABLE notifications ADD COLUMN handset_at INTEGER;`,
  },
];

interface Row {
  id: string; dedupe_key: string; channel: string; target: string; purpose: string; alarm_id: string | null;
  recipient_id: string; subject: string; recipient: string; state: NotificationState; attempts: number;
  next_attempt_at: number | null; last_error: string | null; provider_ref: string | null;
  failure_reported_at: number | null; created_at: string; updated_at: number;
  handset_state: HandsetReport['state'] | null; handset_detail: string | null; handset_at: number | null;
}

interface AttemptRow {
  notification_id: string; attempt: number; started_at: number; finished_at: number | null;
  outcome: AttemptOutcome | null; error: string | null; provider_ref: string | null; detail: string | null;
}

/**
 * SQLite outbox (better-sqlite3). Opens its own connection on `file`, or uses a given handle
 * (which its owner closes). WAL journal and `synchronous=FULL`: a notification to the police
 * must survive a power cut between "stored" and "sent".
 */
export class SqliteNotificationStore implements NotificationStore {
  private readonly db: Database.Database;
  private readonly ownsDb: boolean;
  private readonly stmt;

  constructor(fileOrDb: string | Database.Database) {
    if (typeof fileOrDb === 'string') {
      if (fileOrDb !== ':memory:') mkdirSync(dirname(fileOrDb), { recursive: true });
      this.db = new Database(fileOrDb);
      this.ownsDb = true;
    } else {
      this.db = fileOrDb;
      this.ownsDb = false;
    }
    try {
      setDurablePragmas(this.db);
      migrate(this.db, 'notify', notifyMigrations);
    } catch (err) {
      if (this.ownsDb) this.db.close();
      throw err;
    }
    const db = this.db;
    this.stmt = {
      insert: db.prepare(`INSERT OR IGNORE INTO notifications (id, dedupe_key, channel, target, purpose, alarm_id, recipient_id,
          subject, recipient, state, attempts, next_attempt_at, created_at, updated_at)
        VALUES (@id, @dedupeKey, @channel, @target, @purpose, @alarmId, @recipientId, @subject, @recipient, 'pending', 0,
          @nextAttemptAt, @createdAt, @updatedAt)`),
      byId: db.prepare<[string], Row>('SELECT * FROM notifications WHERE id = ?'),
      byKey: db.prepare<[string], Row>('SELECT * FROM notifications WHERE dedupe_key = ?'),
      byAlarm: db.prepare<[string], Row>('SELECT * FROM notifications WHERE alarm_id = ? ORDER BY created_at, rowid'),
      earlierUnfinished: db.prepare<[string, string, string, string, string], Row>(
        `SELECT * FROM notifications WHERE alarm_id = ? AND channel = ? AND target = ? AND recipient_id = ?
           AND state IN ('pending', 'sending') AND rowid < (SELECT rowid FROM notifications WHERE id = ?)
         ORDER BY rowid LIMIT 1`),
      due: db.prepare<[number, number], Row>(
        `SELECT * FROM notifications WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, rowid LIMIT ?`),
      pending: db.prepare<[], Row>(`SELECT * FROM notifications WHERE state = 'pending' ORDER BY next_attempt_at, rowid`),
      claim: db.prepare(`UPDATE notifications SET state = 'sending', attempts = attempts + 1, next_attempt_at = NULL, updated_at = ?
        WHERE id = ? AND (state = 'pending' OR (? = 1 AND state = 'sending'))`),
      interruptOpen: db.prepare(`UPDATE notification_attempts SET outcome = 'interrupted', finished_at = ?
        WHERE notification_id = ? AND outcome IS NULL`),
      openAttempt: db.prepare('INSERT OR REPLACE INTO notification_attempts (notification_id, attempt, started_at) VALUES (?, ?, ?)'),
      closeAttempt: db.prepare(`UPDATE notification_attempts SET outcome = @outcome, finished_at = @now, error = @error,
          provider_ref = @providerRef, detail = @detail
        WHERE notification_id = @id AND attempt = @attempt`),
      finish: db.prepare(`UPDATE notifications SET state = @state, next_attempt_at = @nextAttemptAt, last_error = @error,
          provider_ref = coalesce(@providerRef, provider_ref), updated_at = @now
        WHERE id = @id AND state = 'sending' AND attempts = @attempt`),
      reported: db.prepare('UPDATE notifications SET failure_reported_at = ? WHERE id = ?'),
      unreported: db.prepare<[], Row>(
        `SELECT * FROM notifications WHERE state = 'failed' AND failure_reported_at IS NULL ORDER BY updated_at, rowid`),
      interruptAll: db.prepare(`UPDATE notification_attempts SET outcome = 'interrupted', finished_at = ?
        WHERE outcome IS NULL AND notification_id IN (SELECT id FROM notifications WHERE state = 'sending')`),
      resetSending: db.prepare(`UPDATE notifications SET state = 'pending', next_attempt_at = ?, updated_at = ? WHERE state = 'sending'`),
      addRef: db.prepare('INSERT OR IGNORE INTO notification_provider_refs (channel, provider_ref, notification_id) VALUES (?, ?, ?)'),
      byRef: db.prepare<[string, string], Row>(`SELECT n.* FROM notification_provider_refs r JOIN notifications n ON n.id = r.notification_id
        WHERE r.channel = ? AND r.provider_ref = ?`),
      keepReceipt: db.prepare(`INSERT INTO notification_receipts (channel, provider_ref, state, detail, at) VALUES (@channel, @ref, @state, @detail, @at)
        ON CONFLICT (channel, provider_ref) DO UPDATE SET state = excluded.state, detail = excluded.detail, at = excluded.at
        WHERE notification_receipts.state != 'failed'`),
      receipt: db.prepare<[string, string], { state: HandsetReport['state']; detail: string; at: number }>(
        'SELECT state, detail, at FROM notification_receipts WHERE channel = ? AND provider_ref = ?'),
      handset: db.prepare(`UPDATE notifications SET handset_state = @state, handset_detail = @detail, handset_at = @at
        WHERE id = @id AND (handset_state IS NULL OR handset_state != 'failed')`),
      attempts: db.prepare<[string], AttemptRow>('SELECT * FROM notification_attempts WHERE notification_id = ? ORDER BY attempt'),
    };
  }

  async enqueue(notifications: NewNotification[]): Promise<EnqueueResult[]> {
    return this.db.transaction((): EnqueueResult[] => notifications.map((n) => {
      const { changes } = this.stmt.insert.run({
        id: n.id, dedupeKey: n.dedupeKey, channel: n.channel, target: n.target, purpose: n.purpose, alarmId: n.alarmId ?? null,
        recipientId: n.recipient.id, subject: JSON.stringify(n.subject), recipient: JSON.stringify(n.recipient),
        nextAttemptAt: n.nextAttemptAt, createdAt: n.createdAt, updatedAt: Date.parse(n.createdAt) || n.nextAttemptAt,
      });
      return { notification: fromRow(this.stmt.byKey.get(n.dedupeKey)!), created: changes === 1 };
    })).immediate();
  }

  async get(id: string): Promise<StoredNotification | undefined> {
    const row = this.stmt.byId.get(id);
    return row && fromRow(row);
  }

  async earlierUnfinished(n: Pick<StoredNotification, 'id' | 'alarmId' | 'channel' | 'target' | 'recipient'>): Promise<StoredNotification | undefined> {
    if (n.alarmId === undefined) return undefined;
    const row = this.stmt.earlierUnfinished.get(n.alarmId, n.channel, n.target, n.recipient.id, n.id);
    return row && fromRow(row);
  }

  async listByAlarm(alarmId: string): Promise<StoredNotification[]> {
    return this.stmt.byAlarm.all(alarmId).map(fromRow);
  }

  async due(now: number, limit = 1000): Promise<StoredNotification[]> {
    return this.stmt.due.all(now, limit).map(fromRow);
  }

  async pending(): Promise<StoredNotification[]> {
    return this.stmt.pending.all().map(fromRow);
  }

  async claim(id: string, now: number, options: { reclaim?: boolean } = {}): Promise<StoredNotification | undefined> {
    return this.db.transaction((): StoredNotification | undefined => {
      if (this.stmt.claim.run(now, id, options.reclaim ? 1 : 0).changes !== 1) return undefined;
      this.stmt.interruptOpen.run(now, id); // a reclaimed row's attempt whose worker died
      const row = this.stmt.byId.get(id)!;
      this.stmt.openAttempt.run(id, row.attempts, now);
      return fromRow(row);
    }).immediate();
  }

  async markDelivered(id: string, attempt: number, receipt: { providerRef?: string; providerRefs?: string[]; detail?: string }, now: number): Promise<boolean> {
    return this.db.transaction((): boolean => {
      const done = this.finish(id, attempt, now, 'delivered', null, null, 'delivered', receipt.providerRef ?? null, receipt.detail ?? null);
      if (done) {
        const channel = this.stmt.byId.get(id)!.channel;
        const refs = new Set([...(receipt.providerRefs ?? []), ...(receipt.providerRef ? [receipt.providerRef] : [])]);
        for (const ref of refs) {
          this.stmt.addRef.run(channel, ref, id);
          // A fast SMSC's receipt can arrive before its submit is recorded here.
          const early = this.stmt.receipt.get(channel, ref);
          if (early) this.stmt.handset.run({ id, ...early });
        }
      }
      return done;
    }).immediate();
  }

  async recordHandsetReport(channel: string, providerRef: string, report: HandsetReport): Promise<StoredNotification | undefined> {
    return this.db.transaction((): StoredNotification | undefined => {
      this.stmt.keepReceipt.run({ channel, ref: providerRef, ...report });
      const row = this.stmt.byRef.get(channel, providerRef);
      if (!row) return undefined;
      this.stmt.handset.run({ id: row.id, state: report.state, detail: report.detail, at: report.at });
      return fromRow(this.stmt.byId.get(row.id)!);
    }).immediate();
  }

  async markRetry(id: string, attempt: number, error: string, nextAttemptAt: number, now: number): Promise<boolean> {
    return this.finish(id, attempt, now, 'pending', nextAttemptAt, error, 'recoverable', null, null);
  }

  async markFailed(id: string, attempt: number, error: string, recoverable: boolean, now: number): Promise<boolean> {
    return this.finish(id, attempt, now, 'failed', null, error, recoverable ? 'recoverable' : 'permanent', null, null);
  }

  private finish(
    id: string, attempt: number, now: number, state: NotificationState, nextAttemptAt: number | null, error: string | null,
    outcome: AttemptOutcome, providerRef: string | null, detail: string | null,
  ): boolean {
    // Nested in markDelivered's transaction, better-sqlite3 makes this a savepoint.
    return this.db.transaction((): boolean => {
      const changed = this.stmt.finish.run({ id, attempt, now, state, nextAttemptAt, error, providerRef }).changes === 1;
      if (changed) this.stmt.closeAttempt.run({ id, attempt, now, outcome, error, providerRef, detail });
      return changed;
    }).immediate();
  }

  async markFailureReported(id: string, now: number): Promise<void> {
    this.stmt.reported.run(now, id);
  }

  async unreportedFailures(): Promise<StoredNotification[]> {
    return this.stmt.unreported.all().map(fromRow);
  }

  async recoverInterrupted(now: number): Promise<number> {
    return this.db.transaction((): number => {
      this.stmt.interruptAll.run(now);
      return this.stmt.resetSending.run(now, now).changes;
    }).immediate();
  }

  async attempts(id: string): Promise<DeliveryAttempt[]> {
    return this.stmt.attempts.all(id).map((r) => ({
      notificationId: r.notification_id, attempt: r.attempt, startedAt: r.started_at,
      ...(r.finished_at !== null && { finishedAt: r.finished_at }),
      ...(r.outcome !== null && { outcome: r.outcome }),
      ...(r.error !== null && { error: r.error }),
      ...(r.provider_ref !== null && { providerRef: r.provider_ref }),
      ...(r.detail !== null && { detail: r.detail }),
    }));
  }

  /**
   * Retention and person erasure (server/src/retention/): deletes finished (delivered or failed
   * and reported) notifications with their attempts, references and receipts: those last
   * changed before `updatedBefore`, or of the given alarms, or to the given recipients. Pending
   * and sending ones are never deleted (they are still being delivered). Returns how many.
   */
  purgeFinished(select: { updatedBefore?: number; alarmIds?: string[]; recipientIds?: string[] }): number {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (select.updatedBefore !== undefined) { where.push('updated_at < ?'); params.push(select.updatedBefore); }
    if (select.alarmIds?.length) { where.push(`alarm_id IN (${select.alarmIds.map(() => '?').join(', ')})`); params.push(...select.alarmIds); }
    if (select.recipientIds?.length) { where.push(`recipient_id IN (${select.recipientIds.map(() => '?').join(', ')})`); params.push(...select.recipientIds); }
    if (where.length === 0) return 0;
    const finished = "(state = 'delivered' OR (state = 'failed' AND failure_reported_at IS NOT NULL))";
    return this.db.transaction((): number => {
      const ids = (this.db.prepare(`SELECT id FROM notifications WHERE ${finished} AND (${where.join(' OR ')})`).all(...params) as { id: string }[]).map((r) => r.id);
      const receipts = this.db.prepare(`DELETE FROM notification_receipts WHERE (channel, provider_ref) IN
        (SELECT channel, provider_ref FROM notification_provider_refs WHERE notification_id = ?)`);
      const children = ['notification_provider_refs', 'notification_attempts'].map((t) => this.db.prepare(`DELETE FROM ${t} WHERE notification_id = ?`));
      const row = this.db.prepare('DELETE FROM notifications WHERE id = ?');
      for (const id of ids) {
        receipts.run(id);
        for (const st of children) st.run(id);
        row.run(id);
      }
      return ids.length;
    }).immediate();
  }

  /** A person's notifications (recipient ids such as `user:<username>`), oldest first: for the person's data export. */
  listByRecipient(recipientIds: string[]): StoredNotification[] {
    if (recipientIds.length === 0) return [];
    return (this.db.prepare(`SELECT * FROM notifications WHERE recipient_id IN (${recipientIds.map(() => '?').join(', ')}) ORDER BY created_at, rowid`)
      .all(...recipientIds) as Row[]).map(fromRow);
  }

  async close(): Promise<void> {
    if (this.ownsDb && this.db.open) this.db.close();
  }
}

function fromRow(r: Row): StoredNotification {
  return {
    id: r.id, dedupeKey: r.dedupe_key, channel: r.channel, target: r.target,
    purpose: r.purpose as StoredNotification['purpose'],
    subject: JSON.parse(r.subject), recipient: JSON.parse(r.recipient),
    state: r.state, attempts: r.attempts, nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at, updatedAt: r.updated_at,
    ...(r.alarm_id !== null && { alarmId: r.alarm_id }),
    ...(r.last_error !== null && { lastError: r.last_error }),
    ...(r.provider_ref !== null && { providerRef: r.provider_ref }),
    ...(r.failure_reported_at !== null && { failureReportedAt: r.failure_reported_at }),
    ...(r.handset_state !== null && { handset: { state: r.handset_state, detail: r.handset_detail ?? '', at: r.handset_at ?? 0 } }),
  };
}
