import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { DeviceEvent } from '@trygg/protocol';
import { GatewayError } from '../errors';
import { ALARM_KINDS_SQL, eventPriority } from './event-priority';
import type { Outbox, OutboxEntry } from './outbox';

const SCHEMA_VERSION = 2;

interface Row {
  event_id: string;
  payload: string;
  stored_at: number;
  last_sent_at: number | null;
  attempts: number;
}

/**
 * The outbox in one SQLite file. WAL with `synchronous=FULL`: this is alarm data, so a commit
 * must survive a power cut, not just a process crash (docs/architecture.md, "Store before telling").
 * Events are handed out by `priority` (event-priority.ts: presses, cancels and man-down first),
 * then by the INTEGER PRIMARY KEY `seq`, which keeps insertion order: an alarm is never queued
 * behind thousands of releases or locations, and within a priority the oldest goes first.
 */
export class SqliteOutbox implements Outbox {
  private readonly db: Database.Database;
  private readonly stmts: ReturnType<SqliteOutbox['prepare']>;

  private constructor(
    db: Database.Database,
    private readonly onCorruptRow: (eventId: string, err: unknown) => void,
  ) {
    this.db = db;
    this.stmts = this.prepare();
  }

  /** `onCorruptRow` hears of rows that cannot be decoded; they are moved aside, see `toEntries`. */
  static open(file: string, onCorruptRow: (eventId: string, err: unknown) => void = () => {}): SqliteOutbox {
    let db: Database.Database | undefined;
    try {
      mkdirSync(dirname(file), { recursive: true });
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      migrate(db);
      return new SqliteOutbox(db, onCorruptRow);
    } catch (err) {
      db?.close();
      throw new GatewayError('TRYGG_GW_OUTBOX_OPEN', file, { cause: err });
    }
  }

  private prepare() {
    const db = this.db;
    const columns = 'event_id, payload, stored_at, last_sent_at, attempts';
    return {
      insert: db.prepare(
        'INSERT OR IGNORE INTO outbox (event_id, payload, stored_at, attempts, priority) VALUES (?, ?, ?, 0, ?)',
      ),
      pending: db.prepare(`SELECT ${columns} FROM outbox ORDER BY priority, seq LIMIT ?`),
      due: db.prepare(
        `SELECT ${columns} FROM outbox WHERE last_sent_at IS NULL OR last_sent_at <= ? ORDER BY priority, seq LIMIT ?`,
      ),
      markSent: db.prepare('UPDATE outbox SET last_sent_at = ?, attempts = attempts + 1 WHERE event_id = ?'),
      remove: db.prepare('DELETE FROM outbox WHERE event_id = ?'),
      quarantine: db.prepare(
        'INSERT INTO outbox_quarantine (event_id, payload, stored_at) SELECT event_id, payload, stored_at FROM outbox WHERE event_id = ?',
      ),
      has: db.prepare('SELECT 1 FROM outbox WHERE event_id = ?').pluck(),
      depth: db.prepare('SELECT COUNT(*) FROM outbox').pluck(),
    };
  }

  add(event: DeviceEvent, now: number): boolean {
    try {
      return this.stmts.insert.run(event.eventId, JSON.stringify(event), now, eventPriority(event.kind)).changes === 1;
    } catch (err) {
      throw new GatewayError('TRYGG_GW_OUTBOX_WRITE', event.eventId, { cause: err });
    }
  }

  pending(limit = -1): OutboxEntry[] {
    return this.toEntries(this.stmts.pending.all(limit) as Row[]);
  }

  due(sentBefore: number, limit = -1): OutboxEntry[] {
    return this.toEntries(this.stmts.due.all(sentBefore, limit) as Row[]);
  }

  markSent(eventIds: readonly string[], now: number): void {
    if (eventIds.length === 0) return;
    this.db.transaction(() => {
      for (const id of eventIds) this.stmts.markSent.run(now, id);
    })();
  }

  remove(eventId: string): boolean {
    return this.stmts.remove.run(eventId).changes === 1;
  }

  has(eventId: string): boolean {
    return this.stmts.has.get(eventId) !== undefined;
  }

  depth(): number {
    return this.stmts.depth.get() as number;
  }

  /**
   * A row that does not decode (only a damaged file gets here) is moved to `outbox_quarantine`
   * and reported, so one bad row cannot block every later alarm behind it.
   */
  private toEntries(rows: Row[]): OutboxEntry[] {
    const entries: OutboxEntry[] = [];
    for (const row of rows) {
      try {
        const event = JSON.parse(row.payload) as DeviceEvent;
        entries.push({ event, storedAt: row.stored_at, lastSentAt: row.last_sent_at, attempts: row.attempts });
      } catch (err) {
        this.db.transaction(() => {
          this.stmts.quarantine.run(row.event_id);
          this.stmts.remove.run(row.event_id);
        })();
        this.onCorruptRow(row.event_id, new GatewayError('TRYGG_GW_OUTBOX_CORRUPT_ROW', row.event_id, { cause: err }));
      }
    }
    return entries;
  }

  /** The connection, for other tables of the gateway's state file (the device directory). */
  get database(): Database.Database {
    return this.db;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version >= SCHEMA_VERSION) return;
  db.transaction(() => {
    if (version < 1) {
      db.exec(`
        CREATE TABLE IF NOT EXISTS outbox (
          seq          INTEGER PRIMARY KEY AUTOINCREMENT,
          event_id     TEXT    NOT NULL UNIQUE,
          payload      TEXT    NOT NULL,
          stored_at    INTEGER NOT NULL,
          last_sent_at INTEGER,
          attempts     INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS outbox_quarantine (
          event_id     TEXT    NOT NULL,
          payload      TEXT    NOT NULL,
          stored_at    INTEGER NOT NULL
        );
      `);
    }
    // Version 2: send order by priority. Rows of an older file get theirs from the stored kind;
    // an undecodable row stays routine (it is quarantined when read anyway).
    db.exec(`
      ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;
      UPDATE outbox SET priority = 0
        WHERE (CASE WHEN json_valid(payload) THEN json_extract(payload, '$.kind') END) IN (${ALARM_KINDS_SQL});
      CREATE INDEX IF NOT EXISTS outbox_send_order ON outbox (priority, seq);
      PRAGMA user_version = ${SCHEMA_VERSION};
    `);
  })();
}
