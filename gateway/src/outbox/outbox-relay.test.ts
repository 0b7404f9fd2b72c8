import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, type DeviceEvent } from '@trygg/protocol';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxRelay } from './outbox-relay';
import { SqliteOutbox } from './sqlite-outbox';

const logger = pino({ level: 'silent' });

function event(n: number, kind: DeviceEvent['kind'] = 'press'): DeviceEvent {
  return { v: 1, eventId: `b-${n}`, siteId: 'demo', gatewayId: 'gw', deviceId: 'b', kind, seq: n, at: '2026-01-05T09:00:00.000Z' };
}

describe('OutboxRelay', () => {
  let dir: string;
  let outbox: SqliteOutbox;
  let clock: FakeClock;
  let linkUp: boolean;
  let published: string[];
  let relay: OutboxRelay;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-relay-'));
    outbox = SqliteOutbox.open(join(dir, 'outbox.db'));
    clock = new FakeClock();
    linkUp = true;
    published = [];
    relay = new OutboxRelay({
      outbox,
      clock,
      logger,
      resendIntervalMs: 2000,
      publish: (e) => {
        if (!linkUp) return false;
        published.push(e.eventId);
        return true;
      },
    });
    relay.start();
  });

  afterEach(() => {
    relay.stop();
    outbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores before publishing and publishes a new event at once', () => {
    let storedWhenPublished = false;
    const r = new OutboxRelay({
      outbox,
      clock,
      logger,
      resendIntervalMs: 2000,
      publish: (e) => {
        storedWhenPublished = outbox.has(e.eventId);
        return true;
      },
    });
    expect(r.submit(event(1))).toBe('stored');
    expect(storedWhenPublished).toBe(true);
  });

  it('re-sends an unreceipted event after the interval, and keeps re-sending until the receipt', () => {
    relay.submit(event(1));
    clock.advance(1999);
    expect(published).toEqual(['b-1']);
    clock.advance(501);
    expect(published).toEqual(['b-1', 'b-1']);
    clock.advance(2500);
    expect(published).toEqual(['b-1', 'b-1', 'b-1']);

    expect(relay.acknowledge({ v: 1, eventId: 'b-1', status: 'stored' })).toBe('removed');
    clock.advance(10_000);
    expect(published).toHaveLength(3);
    expect(outbox.depth()).toBe(0);
  });

  it('does not publish a repeat of a pending event, but still re-sends the one copy', () => {
    relay.submit(event(1));
    expect(relay.submit(event(1))).toBe('already-pending');
    expect(published).toEqual(['b-1']);
    expect(outbox.depth()).toBe(1);
  });

  it('drops a rejected event for good and counts receipts for unknown events', () => {
    relay.submit(event(1));
    expect(relay.acknowledge({ v: 1, eventId: 'b-1', status: 'rejected', reason: 'unknown-device' })).toBe('removed');
    expect(relay.acknowledge({ v: 1, eventId: 'b-1', status: 'duplicate' })).toBe('unknown');
    clock.advance(10_000);
    expect(published).toEqual(['b-1']);
  });

  it('keeps events while the link is down and flushes them all, in order, on reconnect', () => {
    linkUp = false;
    relay.submit(event(1));
    relay.submit(event(2));
    clock.advance(5000);
    expect(published).toEqual([]);
    expect(outbox.pending().map((e) => e.attempts)).toEqual([0, 0]);

    linkUp = true;
    expect(relay.flushAll()).toBe(2);
    expect(published).toEqual(['b-1', 'b-2']);
  });

  it('with 5,000 routine events pending, a press is published first on reconnect and at once when it arrives', () => {
    linkUp = false;
    // One transaction for the backlog (5,000 fsyncs would only make the test slow).
    outbox.database.transaction(() => {
      for (let n = 1; n <= 5000; n++) outbox.add(event(n, n % 2 === 0 ? 'release' : 'location'), clock.now());
    })();
    relay.submit(event(5001, 'press'));
    linkUp = true;
    relay.flushAll();
    expect(published[0]).toBe('b-5001');
    // Routine events go out in a window of unreceipted ones, not all at once.
    expect(published).toHaveLength(1 + 64);
    expect(relay.routineInFlightCount()).toBe(64);

    // A new press while the backlog waits: published the moment it is stored, window full or not.
    published = [];
    relay.submit(event(5002, 'press'));
    relay.submit(event(5003, 'cancel'));
    expect(published).toEqual(['b-5002', 'b-5003']);
  });

  it('refills the routine window as receipts arrive, and re-opens slots unreceipted for an interval', () => {
    linkUp = false;
    for (let n = 1; n <= 200; n++) relay.submit(event(n, 'release'));
    linkUp = true;
    relay.flushAll();
    expect(published).toHaveLength(64);
    for (const id of published.slice(0, 31)) relay.acknowledge({ v: 1, eventId: id, status: 'stored' });
    expect(published).toHaveLength(64); // 33 in flight: above half the window, no refill yet
    relay.acknowledge({ v: 1, eventId: published[31]!, status: 'stored' });
    expect(published).toHaveLength(64 + 32); // refilled up to the window at half
    expect(new Set(published).size).toBe(published.length);

    // No receipts at all (server down, link up): after an interval the window is free again.
    clock.advance(2500);
    expect(relay.routineInFlightCount()).toBeLessThanOrEqual(64);
    expect(outbox.depth()).toBe(200 - 32);
  });

  it('stops routine events, not alarms, when the uplink is busy', () => {
    relay.stop(); // only this test's relay
    let busy = true;
    const sent: string[] = [];
    const r = new OutboxRelay({
      outbox, clock, logger, resendIntervalMs: 2000,
      publish: (e) => {
        if (busy && e.kind !== 'press') return false; // as UplinkClient.publishEvent does
        sent.push(e.eventId);
        return true;
      },
    });
    r.submit(event(1, 'release'));
    r.submit(event(2, 'press'));
    expect(sent).toEqual(['b-2']);
    busy = false;
    clock.advance(2000);
    r.resendDue();
    expect(sent).toEqual(['b-2', 'b-2', 'b-1']); // the unreceipted press is due again, and first
  });
});
