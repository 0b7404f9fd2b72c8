import type Database from 'better-sqlite3';
import { validateDeviceDirectory, type DeviceDirectory } from '@trygg/protocol';

export interface StoredDirectory {
  directory: DeviceDirectory;
  /** Clock ms when the gateway received it. */
  receivedAt: number;
}

/**
 * The last device directory the server sent, in its own table of the outbox's SQLite file, so a
 * gateway restarted while the server is down still knows its devices. One row at most; no row
 * means "never received one" (or cleared by the server), and then every device is accepted.
 */
export class SqliteDirectoryStore {
  private readonly stmts;

  constructor(db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS device_directory (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        payload     TEXT    NOT NULL,
        received_at INTEGER NOT NULL
      );
    `);
    this.stmts = {
      load: db.prepare('SELECT payload, received_at FROM device_directory WHERE id = 1'),
      save: db.prepare(
        'INSERT INTO device_directory (id, payload, received_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET payload = excluded.payload, received_at = excluded.received_at',
      ),
      clear: db.prepare('DELETE FROM device_directory'),
    };
  }

  /** The stored directory; throws when the row does not decode (the caller falls back to accepting all). */
  load(): StoredDirectory | null {
    const row = this.stmts.load.get() as { payload: string; received_at: number } | undefined;
    if (!row) return null;
    const checked = validateDeviceDirectory(JSON.parse(row.payload));
    if (!checked.ok) throw new Error(`stored device directory fails the schema: ${checked.errors.slice(0, 3).join('; ')}`);
    return { directory: checked.value, receivedAt: row.received_at };
  }

  save(directory: DeviceDirectory, receivedAt: number): void {
    this.stmts.save.run(JSON.stringify(directory), receivedAt);
  }

  clear(): void {
    this.stmts.clear.run();
  }
}
