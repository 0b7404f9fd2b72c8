import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { DeviceEvent } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteOutbox } from './sqlite-outbox';

function event(n: number, deviceId = 'interview-1', kind: DeviceEvent['kind'] = 'press'): DeviceEvent {
  return {
    v: 1,
    eventId: `${deviceId}-m${n}`,
    siteId: 'demo',
    gatewayId: 'demo-gw',
    deviceId,
    kind,
    seq: n,
    at: new Date(Date.UTC(2026, 0, 5, 9, 0, n)).toISOString(),
  };
}

describe('SqliteOutbox', () => {
  let dir: string;
  let file: string;
  let outbox: SqliteOutbox;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-outbox-'));
    file = join(dir, 'nested', 'outbox.db');
    outbox = SqliteOutbox.open(file);
  });

  afterEach(() => {
    outbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the same eventId once', () => {
    expect(outbox.add(event(1), 1000)).toBe(true);
    expect(outbox.add(event(1), 2000)).toBe(false);
    expect(outbox.depth()).toBe(1);
    expect(outbox.pending()[0]!.storedAt).toBe(1000);
  });

  it('runs in WAL mode with synchronous=FULL, as alarm data must', () => {
    outbox.close();
    const db = new Database(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    outbox = SqliteOutbox.open(file);
  });

  it('keeps pending events across a close and reopen, in order, with their send history', () => {
    for (const n of [3, 1, 2]) outbox.add(event(n), 1000 + n);
    outbox.markSent([event(1).eventId], 5000);
    outbox.close();

    outbox = SqliteOutbox.open(file);
    const pending = outbox.pending();
    expect(pending.map((e) => e.event.eventId)).toEqual(['interview-1-m3', 'interview-1-m1', 'interview-1-m2']);
    expect(pending[0]!.event).toEqual(event(3));
    expect(pending[1]).toMatchObject({ lastSentAt: 5000, attempts: 1 });
    expect(pending[0]).toMatchObject({ lastSentAt: null, attempts: 0 });
  });

  it('removes a receipted event and reports whether it was pending', () => {
    outbox.add(event(1), 1000);
    outbox.add(event(2), 1000);
    expect(outbox.remove(event(1).eventId)).toBe(true);
    expect(outbox.remove(event(1).eventId)).toBe(false);
    expect(outbox.has(event(1).eventId)).toBe(false);
    expect(outbox.has(event(2).eventId)).toBe(true);
    expect(outbox.depth()).toBe(1);
  });

  it('stores a receipted eventId again if the device repeats it later (the server dedupes)', () => {
    outbox.add(event(1), 1000);
    outbox.remove(event(1).eventId);
    expect(outbox.add(event(1), 2000)).toBe(true);
  });

  it('lists as due the never-sent events and those last sent at or before the cut-off', () => {
    for (const n of [1, 2, 3]) outbox.add(event(n), 1000);
    outbox.markSent([event(1).eventId], 1000);
    outbox.markSent([event(2).eventId], 3000);
    expect(outbox.due(2000).map((e) => e.event.seq)).toEqual([1, 3]);
    expect(outbox.due(2000, 1).map((e) => e.event.seq)).toEqual([1]);
    expect(outbox.pending(2).map((e) => e.event.seq)).toEqual([1, 2]);
  });

  it('moves an undecodable row aside instead of blocking the alarms behind it', () => {
    outbox.add(event(1), 1000);
    outbox.add(event(2), 1000);
    outbox.close();
    const db = new Database(file);
    db.prepare('UPDATE outbox SET payload = ? WHERE event_id = ?').run('{not json', event(1).eventId);
    db.close();

    const corrupt: string[] = [];
    outbox = SqliteOutbox.open(file, (eventId) => corrupt.push(eventId));
    expect(outbox.pending().map((e) => e.event.eventId)).toEqual([event(2).eventId]);
    expect(corrupt).toEqual([event(1).eventId]);
    expect(outbox.depth()).toBe(1);
  });

  it('hands out presses, cancels and man-down before routine events, each kind in arrival order', () => {
    outbox.add(event(1, 'b', 'release'), 1000);
    outbox.add(event(2, 'b', 'location'), 1000);
    outbox.add(event(3, 'b', 'press'), 1000);
    outbox.add(event(4, 'b', 'tamper'), 1000);
    outbox.add(event(5, 'b', 'cancel'), 1000);
    outbox.add(event(6, 'b', 'man-down'), 1000);
    expect(outbox.pending().map((e) => e.event.kind)).toEqual(['press', 'cancel', 'man-down', 'release', 'location', 'tamper']);
    expect(outbox.due(5000, 2).map((e) => e.event.kind)).toEqual(['press', 'cancel']);
  });

  it('upgrades an outbox file of schema version 1, giving its pending alarms their priority', () => {
    outbox.close();
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'nested'), { recursive: true });
    const old = new Database(file);
    old.exec(`
      CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, payload TEXT NOT NULL,
        stored_at INTEGER NOT NULL, last_sent_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE outbox_quarantine (event_id TEXT NOT NULL, payload TEXT NOT NULL, stored_at INTEGER NOT NULL);
      PRAGMA user_version = 1;
    `);
    const insert = old.prepare('INSERT INTO outbox (event_id, payload, stored_at) VALUES (?, ?, 1000)');
    for (const e of [event(1, 'b', 'release'), event(2, 'b', 'press')]) insert.run(e.eventId, JSON.stringify(e));
    insert.run('broken', '{not json');
    old.close();

    outbox = SqliteOutbox.open(file);
    expect(outbox.pending().map((e) => e.event.eventId)).toEqual(['b-m2', 'b-m1']);
    expect(outbox.depth()).toBe(2); // the undecodable row went to quarantine, as before
  });

  it('fails to open with a coded error when the path is unusable', () => {
    expect(() => SqliteOutbox.open(join(file, 'not-a-dir', 'x.db'))).toThrow(/TRYGG_GW_OUTBOX_OPEN/);
  });
});
