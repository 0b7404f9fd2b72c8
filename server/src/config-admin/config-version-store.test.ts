import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigVersionStore } from './config-version-store';

describe('configuration versions: which ones ran', () => {
  const dirs: string[] = [];
  const file = () => {
    const dir = mkdtempSync(join(tmpdir(), 'trygg-config-versions-'));
    dirs.push(dir);
    return join(dir, 'trygg.db');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('a new version has not run; marked ones are offered newest first, never the failed one', () => {
    const store = new ConfigVersionStore(file());
    const config = { version: 1, sites: [], users: [] } as never;
    const v1 = store.save(config, 1, 'file', 'seed');
    const v2 = store.save(config, 2, 'user:a', 'edit');
    const v3 = store.save(config, 3, 'user:a', 'edit');
    expect(store.workedBefore(v3)).toEqual([]);
    store.markStartedOk(v1);
    store.markStartedOk(v2);
    store.markStartedOk(v3);
    expect(store.workedBefore(v3).map((v) => v.version)).toEqual([v2, v1]);
    expect(store.history().map((v) => [v.version, v.startedOk])).toEqual([[v3, true], [v2, true], [v1, true]]);
    store.close();
  });

  it('upgrading a database from before the mark: a version followed by an edit through the API had run', () => {
    const path = file();
    const db = new Database(path);
    db.exec(`CREATE TABLE schema_migrations (module TEXT NOT NULL DEFAULT 'core', version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version));
      INSERT INTO schema_migrations VALUES ('config', 1, 'configuration versions', '2026-01-01');
      CREATE TABLE config_versions (version INTEGER PRIMARY KEY, config TEXT NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL, note TEXT NOT NULL);
      INSERT INTO config_versions VALUES (1, '{}', 1, 'file', 'seeded'), (2, '{}', 2, 'user:manager', 'edit'), (3, '{}', 3, 'user:manager', 'bad import')`);
    db.close();
    const store = new ConfigVersionStore(path);
    expect(store.history().map((v) => [v.version, v.startedOk])).toEqual([[3, false], [2, true], [1, true]]);
    store.close();
  });
});
