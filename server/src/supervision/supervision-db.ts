import type Database from 'better-sqlite3';
import { openDatabase, type Migration } from '../store/sqlite/migrate';

/** Migrations of module `supervision` (see store/sqlite/migrate.ts). Never edit a released one. */
export const supervisionMigrations: Migration[] = [
  {
    version: 1,
    name: 'technical conditions, test mode and self-tests',
    sql: `
      CREATE TABLE supervision_conditions (
        site_id    TEXT NOT NULL,
        dedupe_key TEXT NOT NULL,
        cause      TEXT NOT NULL,
        subject    TEXT NOT NULL,
        raised_at  INTEGER NOT NULL,
        PRIMARY KEY (site_id, dedupe_key)
      );
      CREATE TABLE supervision_test_mode (
        site_id    TEXT NOT NULL,
        device_id  TEXT NOT NULL,
        until      INTEGER NOT NULL,
        started_by TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        PRIMARY KEY (site_id, device_id)
      );
      CREATE TABLE supervision_tests (
        event_id   TEXT PRIMARY KEY,
        site_id    TEXT NOT NULL,
        device_id  TEXT NOT NULL,
        tested_at  INTEGER NOT NULL,
        started_by TEXT
      );
      CREATE INDEX supervision_tests_device ON supervision_tests (site_id, device_id, tested_at);`,
  },
];

/** A technical alarm this feature raised and has not yet seen cleared (what a restart must remember). */
export interface Condition {
  siteId: string;
  dedupeKey: string;
  cause: string;
  subject: string;
  raisedAt: number;
}

export interface TestModeRow {
  siteId: string;
  deviceId: string;
  until: number;
  startedBy: string;
}

/**
 * The feature's own tables, on its own connection to the server's SQLite file. Writes are small
 * and synchronous; nothing here runs inside the alarm store's transaction.
 */
export class SupervisionDb {
  private readonly db: Database.Database;
  private readonly stmt;

  constructor(file: string) {
    // synchronous=FULL as every store: a raised condition and its deadline must survive a power cut.
    this.db = openDatabase(file, 'supervision', supervisionMigrations);
    this.stmt = {
      conditions: this.db.prepare<[], { site_id: string; dedupe_key: string; cause: string; subject: string; raised_at: number }>(
        'SELECT * FROM supervision_conditions'),
      putCondition: this.db.prepare(`INSERT INTO supervision_conditions (site_id, dedupe_key, cause, subject, raised_at)
        VALUES (@siteId, @dedupeKey, @cause, @subject, @raisedAt) ON CONFLICT (site_id, dedupe_key) DO NOTHING`),
      dropCondition: this.db.prepare('DELETE FROM supervision_conditions WHERE site_id = ? AND dedupe_key = ?'),
      testModes: this.db.prepare<[], { site_id: string; device_id: string; until: number; started_by: string }>('SELECT * FROM supervision_test_mode'),
      putTestMode: this.db.prepare(`INSERT INTO supervision_test_mode (site_id, device_id, until, started_by, started_at)
        VALUES (@siteId, @deviceId, @until, @startedBy, @startedAt)
        ON CONFLICT (site_id, device_id) DO UPDATE SET until = excluded.until, started_by = excluded.started_by, started_at = excluded.started_at`),
      dropTestMode: this.db.prepare('DELETE FROM supervision_test_mode WHERE site_id = ? AND device_id = ?'),
      putTest: this.db.prepare(`INSERT OR IGNORE INTO supervision_tests (event_id, site_id, device_id, tested_at, started_by)
        VALUES (@eventId, @siteId, @deviceId, @testedAt, @startedBy)`),
      lastTests: this.db.prepare<[], { site_id: string; device_id: string; tested_at: number }>(
        'SELECT site_id, device_id, max(tested_at) AS tested_at FROM supervision_tests GROUP BY site_id, device_id'),
    };
  }

  conditions(): Condition[] {
    return this.stmt.conditions.all().map((r) => ({ siteId: r.site_id, dedupeKey: r.dedupe_key, cause: r.cause, subject: r.subject, raisedAt: r.raised_at }));
  }

  putCondition(c: Condition): void {
    this.stmt.putCondition.run(c);
  }

  dropCondition(siteId: string, dedupeKey: string): void {
    this.stmt.dropCondition.run(siteId, dedupeKey);
  }

  testModes(): TestModeRow[] {
    return this.stmt.testModes.all().map((r) => ({ siteId: r.site_id, deviceId: r.device_id, until: r.until, startedBy: r.started_by }));
  }

  putTestMode(row: TestModeRow, startedAt: number): void {
    this.stmt.putTestMode.run({ ...row, startedAt });
  }

  dropTestMode(siteId: string, deviceId: string): void {
    this.stmt.dropTestMode.run(siteId, deviceId);
  }

  putTest(test: { eventId: string; siteId: string; deviceId: string; testedAt: number; startedBy?: string }): void {
    this.stmt.putTest.run({ ...test, startedBy: test.startedBy ?? null });
  }

  lastTests(): { siteId: string; deviceId: string; testedAt: number }[] {
    return this.stmt.lastTests.all().map((r) => ({ siteId: r.site_id, deviceId: r.device_id, testedAt: r.tested_at }));
  }

  close(): void {
    this.db.close();
  }
}
