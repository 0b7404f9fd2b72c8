import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { DeviceEvent } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteOutbox } from './sqlite-outbox';

function event(n: number, deviceId = 'interview-1'): DeviceEvent {
  return {
    v: 1,
    eventId: `${deviceId}-m${n}`,
    siteId: 'demo',
    gatewayId: 'demo-gw',
    deviceId,
    kind: 'press',
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

  it('fails to open with a coded error when the path is unusable', () => {
    expect(() => SqliteOutbox.open(join(file, 'not-a-dir', 'x.db'))).toThrow(/TRYGG_GW_OUTBOX_OPEN/);
  });
});
