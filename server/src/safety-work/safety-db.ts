import type Database from 'better-sqlite3';
import { openDatabase, type Migration } from '../store/sqlite/migrate';

/**
 * A connection of one safety-work feature to the server's SQLite file, with its own migration
 * module. WAL and `synchronous=FULL` (store/sqlite/migrate.ts openDatabase): a planned drill, a
 * meeting's deadline and the erasure date of a ban are promises that must survive a power cut.
 */
export function openFeatureDb(file: string, module: string, migrations: Migration[]): Database.Database {
  return openDatabase(file, module, migrations);
}

/** Text in bokmål and English, as the console shows it. */
export interface Bilingual {
  nb: string;
  en: string;
}
