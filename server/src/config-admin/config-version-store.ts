import type Database from 'better-sqlite3';
import { openDatabase } from '../store/sqlite/migrate';
import type { TryggConfig } from '../config/types';

export interface ConfigVersion {
  version: number;
  config: TryggConfig;
  at: number;
  actor: string;
  note: string;
  /** The server started with it or applied it live: a start may fall back to it. */
  startedOk: boolean;
}

/**
 * Every configuration the server has run with, newest last: the file seeds version 1, each edit
 * in the console or API adds one. The newest is the source of truth; the list is the audit trail.
 * `started_ok` marks the versions the server started with or applied live: the ones a start may
 * fall back to when the newest fails (ConfigService.bootstrap).
 */
export class ConfigVersionStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openDatabase(file, 'config', [{
      version: 1,
      name: 'configuration versions',
      sql: `CREATE TABLE config_versions (
        version INTEGER PRIMARY KEY, config TEXT NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL, note TEXT NOT NULL)`,
    }, {
      version: 2,
      name: 'versions the server ran with',
      // Before this mark existed, a version followed by an edit made through the API is known to
      // have run: the running server accepted that edit.
      sql: `ALTER TABLE config_versions ADD COLUMN started_ok INTEGER NOT NULL DEFAULT 0;
        UPDATE config_versions SET started_ok = 1 WHERE (
          SELECT next.actor FROM config_versions next WHERE next.version > config_versions.version ORDER BY next.version LIMIT 1
        ) LIKE 'user:%'`,
    }]);
  }

  latest(): ConfigVersion | undefined {
    const row = this.db.prepare('SELECT * FROM config_versions ORDER BY version DESC LIMIT 1').get() as Row | undefined;
    return row ? toVersion(row) : undefined;
  }

  /** The newest versions the server started with (or applied live), newest first, except `except`. */
  workedBefore(except: number, limit = 20): ConfigVersion[] {
    return (this.db.prepare('SELECT * FROM config_versions WHERE started_ok = 1 AND version <> ? ORDER BY version DESC LIMIT ?').all(except, limit) as Row[]).map(toVersion);
  }

  /** The server runs with this version: a later start may fall back to it. */
  markStartedOk(version: number): void {
    this.db.prepare('UPDATE config_versions SET started_ok = 1 WHERE version = ?').run(version);
  }

  save(config: TryggConfig, at: number, actor: string, note: string): number {
    const result = this.db.prepare('INSERT INTO config_versions (config, at, actor, note) VALUES (?, ?, ?, ?)')
      .run(JSON.stringify(config), at, actor, note.slice(0, 300));
    return Number(result.lastInsertRowid);
  }

  history(limit = 100): Omit<ConfigVersion, 'config'>[] {
    return (this.db.prepare('SELECT version, at, actor, note, started_ok FROM config_versions ORDER BY version DESC LIMIT ?').all(limit) as Row[])
      .map((r) => ({ version: r.version, at: r.at, actor: r.actor, note: r.note, startedOk: r.started_ok === 1 }));
  }

  close(): void {
    this.db.close();
  }
}

interface Row {
  version: number;
  config: string;
  at: number;
  actor: string;
  note: string;
  started_ok: number;
}

function toVersion(r: Row): ConfigVersion {
  return { version: r.version, config: JSON.parse(r.config) as TryggConfig, at: r.at, actor: r.actor, note: r.note, startedOk: r.started_ok === 1 };
}
