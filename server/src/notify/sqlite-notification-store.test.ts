import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite/sqlite-store';
import { describeNotificationStoreConformance, newNotification } from './notification-store-conformance';
import { notifyMigrations, SqliteNotificationStore } from './sqlite-notification-store';

async function makeStore() {
  const dir = mkdtempSync(join(tmpdir(), 'trygg-notify-'));
  const file = join(dir, 'nested', 'trygg.db');
  let current = new SqliteNotificationStore(file);
  return {
    store: current,
    reopen: async () => {
      await current.close();
      current = new SqliteNotificationStore(file);
      return current;
    },
    cleanup: async () => {
      await current.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeNotificationStoreConformance('sqlite', makeStore);

describe('SqliteNotificationStore', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  function tempFile(): string {
    const dir = mkdtempSync(join(tmpdir(), 'trygg-notify-'));
    dirs.push(dir);
    return join(dir, 'trygg.db');
  }

  it('uses WAL and synchronous=FULL (alarm data)', async () => {
    const db = new Database(tempFile());
    const store = new SqliteNotificationStore(db);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    await store.close();
    expect(db.open).toBe(true); // a given handle stays its owner's to close
    db.close();
  });

  it('shares a database file with the core store, each with its own migrations', async () => {
    const file = tempFile();
    const core = new SqliteStore(file);
    const notify = new SqliteNotificationStore(file);
    await notify.enqueue([newNotification('a')]);
    await notify.close();
    await core.close();
    const db = new Database(file);
    const modules = db.prepare('SELECT module, max(version) AS v FROM schema_migrations GROUP BY module ORDER BY module').all();
    expect(modules).toEqual([{ module: 'core', v: expect.any(Number) }, { module: 'notify', v: notifyMigrations.length }]);
    db.close();
    const again = new SqliteNotificationStore(file);
    expect(await again.get('a')).toMatchObject({ id: 'a' });
    await again.close();
  });
});
