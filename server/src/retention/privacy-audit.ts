import type Database from 'better-sqlite3';
import { openDatabase, type Migration } from '../store/sqlite/migrate';
import type { PersonAuditEntry } from './person-data';

/** Migrations of module `retention` (see store/sqlite/migrate.ts). Never edit a released one. */
export const retentionMigrations: Migration[] = [
  {
    version: 1,
    name: 'privacy audit: person exports and erasures',
    sql: `
      CREATE TABLE privacy_audit (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        at      INTEGER NOT NULL,
        action  TEXT NOT NULL CHECK (action IN ('person-export', 'person-erase')),
        actor   TEXT NOT NULL,
        subject TEXT NOT NULL,
        detail  TEXT
      );`,
  },
];

/** Who exported or erased whose data, and when: an erasure must itself be provable. */
export class PrivacyAudit {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openDatabase(file, 'retention', retentionMigrations);
  }

  record(entry: PersonAuditEntry): void {
    this.db.prepare('INSERT INTO privacy_audit (at, action, actor, subject, detail) VALUES (?, ?, ?, ?, ?)')
      .run(entry.at, entry.action, entry.actor, entry.subject, entry.detail ? JSON.stringify(entry.detail) : null);
  }

  /** Entries by or about a user (part of their own export). */
  about(username: string): PersonAuditEntry[] {
    return (this.db.prepare('SELECT * FROM privacy_audit WHERE actor = ? OR subject = ? ORDER BY id').all(username, username) as {
      at: number; action: PersonAuditEntry['action']; actor: string; subject: string; detail: string | null;
    }[]).map((r) => ({ at: r.at, action: r.action, actor: r.actor, subject: r.subject, ...(r.detail ? { detail: JSON.parse(r.detail) as Record<string, number> } : {}) }));
  }

  list(limit = 200): PersonAuditEntry[] {
    return (this.db.prepare('SELECT * FROM privacy_audit ORDER BY id DESC LIMIT ?').all(limit) as {
      at: number; action: PersonAuditEntry['action']; actor: string; subject: string; detail: string | null;
    }[]).map((r) => ({ at: r.at, action: r.action, actor: r.actor, subject: r.subject, ...(r.detail ? { detail: JSON.parse(r.detail) as Record<string, number> } : {}) }));
  }

  /** After an erasure, earlier entries name the pseudonym instead of the person. */
  rename(username: string, pseudonym: string): void {
    this.db.prepare('UPDATE privacy_audit SET subject = ? WHERE subject = ?').run(pseudonym, username);
    this.db.prepare('UPDATE privacy_audit SET actor = ? WHERE actor = ?').run(pseudonym, username);
  }

  close(): void {
    this.db.close();
  }
}
