import type Database from 'better-sqlite3';

/**
 * How every server connection that writes to the SQLite file is set up: WAL (readers never wait
 * for a writer), `synchronous=FULL` (a commit survives a power cut, not only a crash: alarms,
 * notifications, deadlines and configuration are promises), and a busy timeout for the moments
 * another connection to the same file writes. `synchronous` belongs to the connection, so every
 * connection sets it. The gateway's outbox sets the same three (gateway/src/outbox/sqlite-outbox.ts).
 */
export function setDurablePragmas(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
}
