import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@trygg/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotificationDispatcher, type NotificationRequest } from './dispatcher';
import type { Notification, Notifier, SendResult } from './notifier';
import { SqliteNotificationStore } from './sqlite-notification-store';

/**
 * Messages for one alarm to one party go in order (stages/order.ts), and a notifier that fails
 * over inside one send gets its whole plan (attemptBudgetMs). Real SQLite file, fake clock.
 */
const T0 = Date.parse('2026-01-05T09:00:00.000Z');

function request(purpose: 'alarm' | 'restore', overrides: Partial<NotificationRequest> = {}): NotificationRequest {
  return {
    alarmId: 'alarm-1', step: purpose === 'restore' ? 'restore' : 3, channel: 'sia-dc09', target: 'guards', purpose,
    subject: { alarmId: 'alarm-1', kind: 'panic', state: purpose === 'restore' ? 'resolved' : 'raised', drill: false, site: { id: 'oslo', name: 'Oslo' }, raisedAt: new Date(T0).toISOString() },
    recipient: { id: 'party:guards' },
    ...overrides,
  };
}

/** A receiver that is down (recoverable failure) until `up`, recording what reached it. */
class Receiver implements Notifier {
  readonly channel = 'sia-dc09';
  up = false;
  refuseFor = new Set<string>();
  readonly got: string[] = [];
  async send(n: Notification): Promise<SendResult> {
    if (this.refuseFor.has(n.purpose)) return { ok: false, recoverable: false, error: 'DUH' };
    if (!this.up) return { ok: false, recoverable: true, error: 'connect ECONNREFUSED' };
    this.got.push(`${n.purpose}:${n.recipient.id}`);
    return { ok: true };
  }
}

describe('order per alarm and party', () => {
  let dir: string;
  let store: SqliteNotificationStore;
  let clock: FakeClock;
  let receiver: Receiver;
  let d: NotificationDispatcher;
  const failed: string[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-order-'));
    store = new SqliteNotificationStore(join(dir, 'trygg.db'));
    clock = new FakeClock(T0);
    receiver = new Receiver();
    failed.length = 0;
    d = new NotificationDispatcher({
      store, clock, notifiers: new Map([['sia-dc09', receiver]]), logger: pino({ level: 'silent' }),
      onPermanentFailure: (n) => { failed.push(n.purpose); }, retry: { baseMs: 1000, maxMs: 60_000, maxAttempts: 3 }, random: () => 0.5,
    });
  });

  afterEach(async () => {
    await d.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('receiver down: press, resolve, receiver up -> the alarm, then the restore (never the other way round)', async () => {
    const [alarm] = await d.dispatch([request('alarm')]);
    await d.idle();
    expect(await store.get(alarm!.id)).toMatchObject({ state: 'pending', attempts: 1 });
    const [restore] = await d.dispatch([request('restore')]);
    await d.idle();
    // The restore waits: not attempted, no attempt counted.
    expect(await store.get(restore!.id)).toMatchObject({ state: 'pending', attempts: 0 });
    receiver.up = true;
    clock.advance(999);
    await d.idle();
    expect(receiver.got).toEqual([]);
    clock.advance(1); // the alarm's retry is due
    await d.idle();
    expect(receiver.got).toEqual(['alarm:party:guards', 'restore:party:guards']);
    expect(await store.get(restore!.id)).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('an alarm that failed for good does not hold the restore back (failed is "no ACK seen", not "not received")', async () => {
    receiver.refuseFor.add('alarm');
    receiver.up = true;
    await d.dispatch([request('alarm')]);
    await d.dispatch([request('restore')]);
    await d.idle();
    expect(failed).toEqual(['alarm']);
    expect(receiver.got).toEqual(['restore:party:guards']);
  });

  it('other parties and other alarms do not wait', async () => {
    await d.dispatch([request('alarm')]); // stays pending: receiver down
    await d.idle();
    receiver.up = true;
    await d.dispatch([
      request('restore', { recipient: { id: 'party:police' }, target: 'guards' }),
      request('alarm', { alarmId: 'alarm-2', subject: { ...request('alarm').subject, alarmId: 'alarm-2' } }),
    ]);
    await d.idle();
    // Both went at once, independently (in no particular order between them).
    expect([...receiver.got].sort()).toEqual(['alarm:party:guards', 'restore:party:police']);
  });

  it('a restart while the restore waits: both are resumed, still in order', async () => {
    await d.dispatch([request('alarm')]);
    await d.dispatch([request('restore')]);
    await d.idle();
    await d.stop();
    receiver.up = true;
    d = new NotificationDispatcher({
      store, clock, notifiers: new Map([['sia-dc09', receiver]]), logger: pino({ level: 'silent' }),
      onPermanentFailure: () => {}, retry: { baseMs: 1000, maxMs: 60_000, maxAttempts: 3 }, random: () => 0.5,
    });
    await d.resume();
    await d.idle();
    clock.advance(1000);
    await d.idle();
    expect(receiver.got).toEqual(['alarm:party:guards', 'restore:party:guards']);
  });
});

describe('a restore knows what it clears', () => {
  it('is handed the alarm\'s earlier messages to the same recipient, channel and target (CAP <references>)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trygg-earlier-'));
    const store = new SqliteNotificationStore(join(dir, 'trygg.db'));
    const clock = new FakeClock(T0);
    const seen: Notification[] = [];
    const cap: Notifier = { channel: 'cap', send: async (n) => { seen.push(n); return { ok: true }; } };
    const d = new NotificationDispatcher({
      store, clock, notifiers: new Map([['cap', cap]]), logger: pino({ level: 'silent' }),
      onPermanentFailure: () => {}, retry: { baseMs: 1000, maxMs: 60_000, maxAttempts: 3 }, random: () => 0.5,
    });
    const toCap = { channel: 'cap', target: 'police', recipient: { id: 'party:police' } };
    const [first] = await d.dispatch([request('alarm', { ...toCap, step: 1 })]);
    const [again] = await d.dispatch([request('alarm', { ...toCap, step: 2 })]);
    await d.dispatch([request('alarm', { ...toCap, step: 1, recipient: { id: 'party:other' } })]);
    await d.dispatch([request('restore', toCap)]);
    await d.idle();
    const cancel = seen.find((n) => n.purpose === 'restore')!;
    expect(cancel.earlier?.map((e) => e.id)).toEqual([first!.id, again!.id]);
    expect(seen.filter((n) => n.purpose === 'alarm').every((n) => n.earlier === undefined)).toBe(true);
    await d.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('a notifier that fails over inside one send', () => {
  it('gets its whole attempt budget, not the pipeline\'s 10 s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trygg-budget-'));
    const store = new SqliteNotificationStore(join(dir, 'trygg.db'));
    const clock = new FakeClock(T0);
    let signal: AbortSignal | undefined;
    let finish: ((r: SendResult) => void) | undefined;
    const slow: Notifier = {
      channel: 'sia-dc09',
      attemptBudgetMs: () => 21_500,
      send: (_n, s) => { signal = s; return new Promise((resolve) => { finish = resolve; }); },
    };
    const d = new NotificationDispatcher({
      store, clock, notifiers: new Map([['sia-dc09', slow]]), logger: pino({ level: 'silent' }),
      onPermanentFailure: () => {}, retry: { baseMs: 1000, maxMs: 60_000, maxAttempts: 3 }, random: () => 0.5,
    });
    const [r] = await d.dispatch([request('alarm')]);
    await new Promise((resolve) => setImmediate(resolve));
    while (!finish) await new Promise((resolve) => setImmediate(resolve));
    clock.advance(15_000); // the primary timed out; the secondary is being tried
    expect(signal!.aborted).toBe(false);
    finish({ ok: true, providerRef: '0042@secondary' });
    await d.idle();
    expect(await store.get(r!.id)).toMatchObject({ state: 'delivered', providerRef: '0042@secondary' });
    await d.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
