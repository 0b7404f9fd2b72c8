import Database from 'better-sqlite3';
import { migrate } from '../store/sqlite/migrate';
import type { TryggConfig } from '../config/types';

export interface ConfigVersion {
  version: number;
  config: TryggConfig;
  at: number;
  actor: string;
  note: string;
}

/**
 * Every configuration the server has run with, newest last: the file seeds version 1, each edit
 * in the console or API adds one. The newest is the source of truth; the list is the audit trail.
 */
export class ConfigVersionStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db, 'config', [{
      version: 1,
      name: 'configuration versions',
      sql: `CREATE TABLE config_versions (
        version INTEGER PRIMARY KEY, config TEXT NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL, note TEXT NOT NULL)`,
    }]);
  }

  latest(): ConfigVersion | undefined {
    const row = this.db.prepare('SELECT * FROM config_versions ORDER BY version DESC LIMIT 1').get() as Row | undefined;
    return row ? toVersion(row) : undefined;
  }

  save(config: TryggConfig, at: number, actor: string, note: string): number {
    const result = this.db.prepare('INSERT INTO config_versions (config, at, actor, note) VALUES (?, ?, ?, ?)')
      .run(JSON.stringify(config), at, actor, note.slice(0, 300));
    return Number(result.lastInsertRowid);
  }

  history(limit = 100): Omit<ConfigVersion, 'config'>[] {
    return (this.db.prepare('SELECT version, at, actor, note FROM config_versions ORDER BY version DESC LIMIT ?').all(limit) as Row[])
      .map((r) => ({ version: r.version, at: r.at, actor: r.actor, note: r.note }));
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
}

function toVersion(r: Row): ConfigVersion {
  return { version: r.version, config: JSON.parse(r.config) as TryggConfig, at: r.at, actor: r.actor, note: r.note };
}
