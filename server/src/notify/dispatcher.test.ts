import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FakeClock } from '@trygg/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NotificationDispatcher, type DispatcherOptions, type NotificationRequest } from './dispatcher';
import type { NotificationStore, StoredNotification } from './notification-store';
import type { Notification, Notifier, SendResult } from './notifier';
import { FakeProvider } from './notifiers/fake-provider/fake-provider';
import { SqliteNotificationStore } from './sqlite-notification-store';
import { backoffDelay } from './stages/retry';

const T0 = Date.parse('2026-01-05T09:00:00.000Z');
const RETRY = { baseMs: 1000, maxMs: 60_000, maxAttempts: 5 };

function request(recipientId: string, overrides: Partial<NotificationRequest> = {}): NotificationRequest {
  return {
    step: 0, channel: 'sms', target: 'acme', purpose: 'alarm',
    subject: { alarmId: 'alarm-1', kind: 'panic', state: 'raised', drill: false, site: { id: 'oslo', name: 'Kontor Oslo' }, raisedAt: new Date(T0).toISOString() },
    recipient: { id: recipientId, name: recipientId, phone: `+47 900 00 00${recipientId.length}` },
    ...overrides,
  };
}

async function dispatchOne(d: NotificationDispatcher, r: NotificationRequest): Promise<string> {
  const [receipt] = await d.dispatch([r]);
  return receipt!.id;
}

describe('NotificationDispatcher', () => {
  let dir: string;
  let file: string;
  let clock: FakeClock;
  let store: SqliteNotificationStore;
  let sms: FakeProvider;
  let failures: { n: StoredNotification; error: string }[];
  let delivered: { n: StoredNotification; result: SendResult }[];
  const open: { stop(): Promise<void> }[] = [];
  const stores: NotificationStore[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-dispatch-'));
    file = join(dir, 'trygg.db');
    clock = new FakeClock(T0);
    store = new SqliteNotificationStore(file);
    stores.push(store);
    sms = new FakeProvider({ channel: 'sms', clock });
    failures = [];
    delivered = [];
  });

  afterEach(async () => {
    for (const d of open.splice(0)) await d.stop();
    for (const s of stores.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function dispatcher(options: Partial<DispatcherOptions> = {}): NotificationDispatcher {
    const d = new NotificationDispatcher({
      store, clock, notifiers: new Map<string, Notifier>([['sms', sms]]), logger: pino({ level: 'silent' }),
      onPermanentFailure: (n, error) => { failures.push({ n, error }); },
      onDelivered: (n, result) => { delivered.push({ n, result }); },
      retry: RETRY, random: () => 0.5,
      ...options,
    });
    open.push(d);
    return d;
  }

  it('commits the notification before the notifier is called', async () => {
    const seen: unknown[] = [];
    const inspector: Notifier = {
      channel: 'sms',
      async send(n) {
        const other = new Database(file, { readonly: true }); // another connection sees only committed data
        seen.push(other.prepare('SELECT state, attempts, dedupe_key FROM notifications WHERE id = ?').get(n.id));
        other.close();
        return { ok: true };
      },
    };
    const d = dispatcher({ notifiers: new Map([['sms', inspector]]) });
    await d.dispatch([request('kari')]);
    await d.idle();
    expect(seen).toEqual([{ state: 'sending', attempts: 1, dedupe_key: 'alarm-1:0:sms:kari' }]);
  });

  it('records the delivery with the provider ref and tells onDelivered', async () => {
    const d = dispatcher();
    const [receipt] = await d.dispatch([request('kari')]);
    await d.idle();
    const stored = await store.get(receipt!.id);
    expect(stored).toMatchObject({ state: 'delivered', attempts: 1, providerRef: 'fake-1' });
    expect(await store.attempts(receipt!.id)).toMatchObject([{ attempt: 1, outcome: 'delivered', providerRef: 'fake-1', detail: 'accepted' }]);
    expect(delivered).toMatchObject([{ n: { id: receipt!.id, state: 'delivered' }, result: { ok: true, providerRef: 'fake-1' } }]);
    expect(sms.messages).toMatchObject([{ id: receipt!.id, attempt: 1, to: '+47 900 00 004' }]);
    expect((await store.listByAlarm('alarm-1')).map((n) => [n.recipient.id, n.state])).toEqual([['kari', 'delivered']]);
  });

  it('never sends the same person twice for the same step', async () => {
    const d = dispatcher();
    const first = await d.dispatch([request('kari'), request('kari'), request('ola')]);
    const again = await d.dispatch([request('kari')]);
    await d.idle();
    expect(first.map((r) => r.created)).toEqual([true, false, true]);
    expect(again).toMatchObject([{ id: first[0]!.id, created: false, dedupeKey: 'alarm-1:0:sms:kari' }]);
    expect(sms.received.filter((id) => id === first[0]!.id)).toHaveLength(1);
    await d.dispatch([request('kari', { step: 1 })]); // the next step reaches her again
    await d.idle();
    expect(sms.messages).toHaveLength(3);
  });

  it('honours an explicit dedupe key, and refuses a request with neither key nor alarm and step', async () => {
    const d = dispatcher();
    const linkTest = request('arc', { purpose: 'link-test', step: undefined, subject: { ...request('x').subject, alarmId: undefined }, dedupeKey: 'link-test:arc:0900' });
    expect((await d.dispatch([linkTest]))[0]).toMatchObject({ dedupeKey: 'link-test:arc:0900', created: true });
    await expect(d.dispatch([request('ola'), { ...linkTest, dedupeKey: undefined }])).rejects.toThrow(/dedupeKey/);
    await d.idle();
    expect(await store.listByAlarm('alarm-1')).toEqual([]); // the refused batch stored nothing
  });

  it('retries a recoverable failure with exponential backoff on the clock', async () => {
    sms.failNext(2, { recoverable: true });
    const d = dispatcher();
    const id = await dispatchOne(d, request('kari'));
    await d.idle();
    expect(await store.get(id)).toMatchObject({ state: 'pending', attempts: 1, nextAttemptAt: T0 + 1000 });
    clock.advance(999);
    await d.idle();
    expect(sms.received).toHaveLength(1);
    clock.advance(1);
    await d.idle();
    expect(sms.received).toHaveLength(2);
    expect(await store.get(id)).toMatchObject({ state: 'pending', attempts: 2, nextAttemptAt: T0 + 1000 + 2000 });
    clock.advance(1999);
    await d.idle();
    expect(sms.received).toHaveLength(2);
    clock.advance(1);
    await d.idle();
    expect(await store.get(id)).toMatchObject({ state: 'delivered', attempts: 3 });
    expect((await store.attempts(id)).map((a) => [a.attempt, a.outcome, a.startedAt])).toEqual([
      [1, 'recoverable', T0], [2, 'recoverable', T0 + 1000], [3, 'delivered', T0 + 3000],
    ]);
    expect(sms.received).toEqual([id, id, id]); // one idempotency key throughout
    expect(failures).toEqual([]);
  });

  it('backoff doubles up to the cap, spread by the jitter', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, RETRY, () => 0.5))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(20, RETRY, () => 0.5)).toBe(60_000);
    expect(backoffDelay(1, RETRY, () => 0)).toBe(800);
    expect(backoffDelay(1, RETRY, () => 0.999999)).toBe(1200);
    expect(backoffDelay(1, { ...RETRY, jitter: 0 }, () => 0)).toBe(1000);
  });

  it('escalates a permanent failure once, and does not retry it', async () => {
    sms.failNext(1, { recoverable: false });
    const d = dispatcher();
    const id = await dispatchOne(d, request('kari'));
    await d.idle();
    clock.advance(10 * 60_000);
    await d.idle();
    expect(sms.received).toEqual([id]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ n: { id, state: 'failed' }, error: expect.stringMatching(/permanent/) });
    expect(await store.get(id)).toMatchObject({ state: 'failed', failureReportedAt: T0 });
    expect(delivered).toEqual([]);
  });

  it('gives up after maxAttempts and escalates once', async () => {
    sms.failNext(Infinity, { recoverable: true });
    const d = dispatcher({ retry: { ...RETRY, maxAttempts: 3 } });
    const id = await dispatchOne(d, request('kari'));
    for (let i = 0; i < 10; i++) {
      await d.idle();
      clock.advance(60_000);
    }
    await d.idle();
    expect(sms.received).toEqual([id, id, id]);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error).toMatch(/^gave up after 3 attempts: .*temporary/);
    expect(await store.get(id)).toMatchObject({ state: 'failed', attempts: 3 });
  });

  it('a channel without a notifier fails permanently and escalates', async () => {
    const d = dispatcher();
    await d.dispatch([request('kari', { channel: 'pager' })]);
    await d.idle();
    expect(failures).toMatchObject([{ n: { channel: 'pager', state: 'failed' }, error: 'no notifier for channel "pager"' }]);
  });

  it('aborts an attempt after the timeout and retries it', async () => {
    const signals: AbortSignal[] = [];
    const slow: Notifier = { channel: 'sms', send: (_n, signal) => { signals.push(signal); return new Promise(() => {}); } };
    const d = dispatcher({ notifiers: new Map([['sms', slow]]), timeoutMs: 10_000 });
    const id = await dispatchOne(d, request('kari'));
    await vi.waitFor(() => expect(signals).toHaveLength(1));
    clock.advance(9_999);
    expect(signals[0]!.aborted).toBe(false);
    clock.advance(1);
    await d.idle();
    expect(signals[0]!.aborted).toBe(true);
    expect(await store.get(id)).toMatchObject({ state: 'pending', lastError: 'no answer within 10000 ms', nextAttemptAt: T0 + 10_000 + 1000 });
  });

  it('stop aborts an attempt in flight; it stays pending for the next start', async () => {
    const signals: AbortSignal[] = [];
    const slow: Notifier = { channel: 'sms', send: (_n, signal) => { signals.push(signal); return new Promise(() => {}); } };
    const d = dispatcher({ notifiers: new Map([['sms', slow]]) });
    const id = await dispatchOne(d, request('kari'));
    await vi.waitFor(() => expect(signals).toHaveLength(1));
    await d.stop();
    expect(signals[0]!.aborted).toBe(true);
    expect(await store.get(id)).toMatchObject({ state: 'pending', attempts: 1, lastError: 'dispatcher stopped during the attempt' });
  });

  it('a notifier that throws counts as a recoverable failure, and its message (maybe a secret) is not kept', async () => {
    let calls = 0;
    const thrower: Notifier = {
      channel: 'sms',
      async send() {
        if (++calls === 1) throw new Error('connect failed for https://user:hunter2@api.example');
        return { ok: true, providerRef: 'p' };
      },
    };
    const d = dispatcher({ notifiers: new Map([['sms', thrower]]) });
    const id = await dispatchOne(d, request('kari'));
    await d.idle();
    const stored = await store.get(id);
    expect(stored).toMatchObject({ state: 'pending', lastError: 'notifier "sms" threw Error' });
    clock.advance(1000);
    await d.idle();
    expect(await store.get(id)).toMatchObject({ state: 'delivered', providerRef: 'p' });
  });

  it('rate-limits per target: over the limit waits for a slot, without counting an attempt', async () => {
    const d = dispatcher({ rateLimit: { perTargetPerMinute: 2 } });
    const receipts = await d.dispatch([request('a'), request('bb'), request('ccc'), request('x', { target: 'other' })]);
    await d.idle();
    expect(sms.delivered().map((m) => m.id)).toEqual([receipts[0]!.id, receipts[1]!.id, receipts[3]!.id]);
    expect(await store.get(receipts[2]!.id)).toMatchObject({ state: 'pending', attempts: 0 });
    clock.advance(59_999);
    await d.idle();
    expect(sms.delivered()).toHaveLength(3);
    clock.advance(1);
    await d.idle();
    expect(await store.get(receipts[2]!.id)).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('escalates again later if onPermanentFailure throws', async () => {
    sms.failNext(1, { recoverable: false });
    let calls = 0;
    const d = dispatcher({ onPermanentFailure: () => { if (++calls === 1) throw new Error('engine busy'); } });
    const id = await dispatchOne(d, request('kari'));
    await d.idle();
    expect(calls).toBe(1);
    expect((await store.get(id))?.failureReportedAt).toBeUndefined();
    clock.advance(1000);
    await d.idle();
    expect(calls).toBe(2);
    expect((await store.get(id))?.failureReportedAt).toBe(T0 + 1000);
    clock.advance(10 * 60_000);
    await d.idle();
    expect(calls).toBe(2);
  });

  it('if recording the outcome fails, the run is repeated (at-least-once), not lost', async () => {
    let failOnce = true;
    const flaky = Object.create(store) as NotificationStore;
    flaky.markDelivered = async (...args) => {
      if (failOnce) {
        failOnce = false;
        throw new Error('SQLITE_FULL');
      }
      return store.markDelivered(...args);
    };
    const d = dispatcher({ store: flaky });
    const id = await dispatchOne(d, request('kari'));
    await d.idle();
    expect(await store.get(id)).toMatchObject({ state: 'sending' });
    clock.advance(1000);
    await d.idle();
    expect(await store.get(id)).toMatchObject({ state: 'delivered', attempts: 2 });
    expect((await store.attempts(id)).map((a) => a.outcome)).toEqual(['interrupted', 'delivered']);
    expect(sms.received).toEqual([id, id]);
  });

  it('resumes after a crash: pending and interrupted notifications are sent once, failures escalated', async () => {
    // Before the crash: one notification mid-send, one stored but not yet tried, one due later,
    // one failed whose escalation never happened.
    const hung: Notifier = { channel: 'sms', send: () => new Promise<SendResult>(() => {}) };
    const before = new NotificationDispatcher({
      store, clock: new FakeClock(T0), notifiers: new Map([['sms', hung]]), logger: pino({ level: 'silent' }),
      onPermanentFailure: () => {}, retry: RETRY,
    });
    const midSend = await dispatchOne(before, request('kari'));
    await vi.waitFor(async () => expect(await store.get(midSend)).toMatchObject({ state: 'sending' }));
    const enqueued = await store.enqueue([
      { id: 'stored', dedupeKey: 'k-stored', channel: 'sms', target: 'acme', purpose: 'alarm', alarmId: 'alarm-1', subject: request('x').subject, recipient: { id: 'ola', phone: '+4791111111' }, createdAt: new Date(T0).toISOString(), nextAttemptAt: T0 },
      { id: 'later', dedupeKey: 'k-later', channel: 'sms', target: 'acme', purpose: 'alarm', alarmId: 'alarm-1', subject: request('x').subject, recipient: { id: 'per', phone: '+4792222222' }, createdAt: new Date(T0).toISOString(), nextAttemptAt: T0 + 30_000 },
      { id: 'lost-escalation', dedupeKey: 'k-failed', channel: 'sms', target: 'acme', purpose: 'alarm', alarmId: 'alarm-1', subject: request('x').subject, recipient: { id: 'liv', phone: '+4793333333' }, createdAt: new Date(T0).toISOString(), nextAttemptAt: T0 },
    ]);
    expect(enqueued.every((r) => r.created)).toBe(true);
    await store.claim('lost-escalation', T0);
    await store.markFailed('lost-escalation', 1, 'invalid number', false, T0);
    await store.close(); // the process dies here

    clock.advance(5_000);
    store = new SqliteNotificationStore(file);
    stores.push(store);
    const after = dispatcher();
    expect(await after.resume()).toEqual({ interrupted: 1, pending: 3, unreported: 1 });
    await after.idle();
    expect(sms.received.sort()).toEqual([midSend, 'stored'].sort());
    expect(failures.map((f) => f.n.id)).toEqual(['lost-escalation']);
    clock.advance(25_000);
    await after.idle();
    clock.advance(10 * 60_000);
    await after.idle();
    expect(sms.received.sort()).toEqual([midSend, 'later', 'stored'].sort());
    expect((await store.get(midSend))).toMatchObject({ state: 'delivered', attempts: 2 });
    expect((await store.attempts(midSend)).map((a) => a.outcome)).toEqual(['interrupted', 'delivered']);
    expect(failures).toHaveLength(1);
  });

  it('resume() after dispatch() is refused (it would re-send what is being sent)', async () => {
    const d = dispatcher();
    await d.dispatch([request('kari')]);
    await expect(d.resume()).rejects.toThrow(/before the first dispatch/);
  });

  it('stop cancels timers; what is pending stays stored for the next start', async () => {
    sms.failNext(1, { recoverable: true });
    const d = dispatcher();
    const id = await dispatchOne(d, request('kari'));
    await d.idle();
    await d.stop();
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(60_000);
    expect(sms.received).toEqual([id]);
    expect(await store.get(id)).toMatchObject({ state: 'pending' });
    expect((await d.dispatch([request('ola')]))[0]).toMatchObject({ created: true, state: 'pending' });
    expect(sms.received).toEqual([id]);
  });
});

describe('notifier idempotency across a retry', () => {
  it('hands the notifier the same id with a growing attempt number', async () => {
    const seen: [string, number][] = [];
    const recorder: Notifier = {
      channel: 'sms',
      async send(n: Notification) {
        seen.push([n.id, n.attempt]);
        return seen.length < 2 ? { ok: false, recoverable: true, error: 'busy' } : { ok: true };
      },
    };
    const dir = mkdtempSync(join(tmpdir(), 'trygg-dispatch-'));
    const store = new SqliteNotificationStore(join(dir, 'db.sqlite'));
    const clock = new FakeClock(T0);
    const d = new NotificationDispatcher({
      store, clock, notifiers: new Map([['sms', recorder]]), logger: pino({ level: 'silent' }), onPermanentFailure: () => {},
      retry: RETRY, random: () => 0.5,
    });
    const id = await dispatchOne(d, request('kari'));
    await d.idle();
    clock.advance(1000);
    await d.idle();
    expect(seen).toEqual([[id, 1], [id, 2]]);
    await d.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
