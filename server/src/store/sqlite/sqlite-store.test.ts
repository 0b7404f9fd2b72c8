import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TryggError } from '../../errors';
import type { Store } from '../store';
import { describeStoreConformance } from '../store-conformance';
import { migrations } from './migrations';
import { SqliteStore } from './sqlite-store';

/** A fresh store on a real file in its own temp dir; `reopen` closes it and opens the same file. */
async function makeSqliteStore() {
  const dir = mkdtempSync(join(tmpdir(), 'trygg-store-'));
  const file = join(dir, 'nested', 'trygg.db');
  let current: SqliteStore | undefined = new SqliteStore(file);
  return {
    store: current as Store,
    reopen: async (): Promise<Store> => {
      await current?.close();
      current = undefined;
      current = new SqliteStore(file);
      return current;
    },
    cleanup: async () => {
      await current?.close();
      current = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeStoreConformance('SqliteStore', makeSqliteStore);

describe('SqliteStore on disk', () => {
  let dir: string;
  let file: string;
  const open: SqliteStore[] = [];

  function openStore(): SqliteStore {
    const store = new SqliteStore(file);
    open.push(store);
    return store;
  }

  /** A plain second connection, for what the Store port does not expose. */
  function inspect<T>(fn: (db: Database.Database) => T): T {
    const db = new Database(file);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-sqlite-'));
    file = join(dir, 'trygg.db');
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses the WAL journal', () => {
    openStore();
    expect(inspect((db) => db.pragma('journal_mode', { simple: true }))).toBe('wal');
  });

  it('writes alarms with synchronous=FULL and liveness with synchronous=NORMAL', () => {
    // `synchronous` is per connection, so it can only be read on the store's own connections
    // (TypeScript-private fields, reachable at run time).
    const internals = openStore() as unknown as { db: Database.Database; statusDb: Database.Database };
    expect(internals.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(internals.statusDb.pragma('synchronous', { simple: true })).toBe(1);
    expect(internals.db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('records every migration in schema_migrations, once', async () => {
    const first = openStore();
    await first.close();
    openStore();
    const rows = inspect((db) => db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all());
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
  });

  it('refuses a database with a newer schema than it knows, with TRYGG_SRV_STORE_TOO_NEW', async () => {
    await openStore().close();
    const latest = migrations[migrations.length - 1]!.version;
    inspect((db) => db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(latest + 1, 'from the future', '2030-01-01T00:00:00Z'));
    let caught: unknown;
    try {
      openStore();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TryggError);
    expect((caught as TryggError).code).toBe('TRYGG_SRV_STORE_TOO_NEW');
    expect((caught as TryggError).message).toContain(String(latest + 1));
    // The refused file is left as it was.
    const versions = inspect((db) => db.prepare('SELECT max(version) AS v FROM schema_migrations').get());
    expect(versions).toEqual({ v: latest + 1 });
  });

  it('keeps data across close and reopen', async () => {
    const first = openStore();
    await first.createSession({ tokenHash: 'h', username: 'manager', createdAt: 1, expiresAt: 10 });
    await first.setGatewayStatus({ siteId: 'demo', gatewayId: 'demo-gw', state: 'online', at: 5, outboxDepth: 2 });
    await first.close();
    const second = openStore();
    expect(await second.getSession('h', 2)).toEqual({ tokenHash: 'h', username: 'manager', createdAt: 1, expiresAt: 10 });
    expect(await second.listGatewayStatus()).toEqual([{ siteId: 'demo', gatewayId: 'demo-gw', state: 'online', at: 5, outboxDepth: 2 }]);
  });

  it('enforces one open alarm per device in the schema itself', () => {
    openStore();
    const insert = (id: string, state: string) => inspect((db) => db.prepare(
      `INSERT INTO alarms (id, site_id, kind, state, device_id, raised_at, updated_at, next_step_due_at, version, data)
       VALUES (?, 'demo', 'panic', ?, 'desk', 1, 1, NULL, 1, '{}')`).run(id, state));
    insert('closed-1', 'resolved');
    insert('closed-2', 'cancelled');
    insert('open-1', 'acknowledged');
    expect(() => insert('open-2', 'raised')).toThrow(/UNIQUE constraint failed/);
    expect(() => insert('open-3', 'responding')).toThrow(/UNIQUE constraint failed/);
  });
});
