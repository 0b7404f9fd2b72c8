import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate, type Migration } from '../store/sqlite/migrate';

/**
 * A connection of one safety-work feature to the server's SQLite file, with its own migration
 * module (store/sqlite/migrate.ts). WAL and `synchronous=FULL`: a planned drill, a meeting's
 * deadline and the erasure date of a ban are promises that must survive a power cut.
 */
export function openFeatureDb(file: string, module: string, migrations: Migration[]): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  try {
    migrate(db, module, migrations);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

export const iso = (t: number | null | undefined): string | undefined => (t === null || t === undefined ? undefined : new Date(t).toISOString());

/** Text in bokmål and English, as the console shows it. */
export interface Bilingual {
  nb: string;
  en: string;
}
