import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import type Database from 'better-sqlite3';
import { TryggError } from '../../errors';
import { setDurablePragmas } from './durable-pragmas';

/**
 * Versioned schema migrations, applied in order, each in its own transaction. Every part of the
 * server that keeps tables (alarms, notifications, supervision, configuration ...) has its own
 * `module` and version sequence in one `schema_migrations` table, so parts evolve independently
 * in one database file. Never edit a released migration; add the next one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function migrate(db: Database.Database, module: string, migrations: Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    module TEXT NOT NULL DEFAULT 'core', version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL,
    PRIMARY KEY (module, version))`);
  const current = (db.prepare('SELECT max(version) AS v FROM schema_migrations WHERE module = ?').get(module) as { v: number | null }).v ?? 0;
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  if (current > latest) throw new TryggError('TRYGG_SRV_STORE_TOO_NEW', [`${module} ${current}`, latest]);
  for (const m of migrations.filter((m) => m.version > current)) {
    try {
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (module, version, name, applied_at) VALUES (?, ?, ?, ?)').run(module, m.version, m.name, new Date().toISOString());
      })();
    } catch (err) {
      throw new TryggError('TRYGG_SRV_STORE_MIGRATION', [`${module} ${m.version} (${m.name})`], { cause: err });
    }
  }
}

/**
 * Opens (creating its folder) a connection to the server's SQLite file for one part of the
 * server, the way alarm data needs it: WAL, `synchronous=FULL`, a busy timeout, and that part's
 * migrations applied. A failed migration closes the connection again.
 */
export function openDatabase(file: string, module: string, migrations: Migration[]): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseConstructor(file);
  setDurablePragmas(db);
  try {
    migrate(db, module, migrations);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
