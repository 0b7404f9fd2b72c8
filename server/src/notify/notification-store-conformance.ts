import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewNotification, NotificationStore } from './notification-store';

/**
 * The shared suite every NotificationStore backend passes. `make` gives a fresh, empty store;
 * `reopen` closes it and opens the same data again (durability); `cleanup` removes everything.
 */
export interface NotificationStoreUnderTest {
  store: NotificationStore;
  reopen: () => Promise<NotificationStore>;
  cleanup: () => Promise<void>;
}

const T0 = Date.parse('2026-01-05T09:00:00.000Z');

export function newNotification(id: string, overrides: Partial<NewNotification> = {}): NewNotification {
  return {
    id, dedupeKey: `alarm-1:0:sms:${id}`, channel: 'sms', target: 'acme', purpose: 'alarm', alarmId: 'alarm-1',
    subject: { alarmId: 'alarm-1', kind: 'panic', state: 'raised', drill: false, site: { id: 'oslo', name: 'Kontor Oslo' }, raisedAt: new Date(T0).toISOString() },
    recipient: { id: `person-${id}`, phone: '+4790000000' },
    createdAt: new Date(T0).toISOString(), nextAttemptAt: T0,
    ...overrides,
  };
}

export function describeNotificationStoreConformance(name: string, make: () => Promise<NotificationStoreUnderTest>): void {
  describe(`NotificationStore conformance: ${name}`, () => {
    let ut: NotificationStoreUnderTest;
    let store: NotificationStore;
    beforeEach(async () => {
      ut = await make();
      store = ut.store;
    });
    afterEach(async () => {
      await ut.cleanup();
    });

    it('enqueue keeps the first of two notifications with one dedupe key, and says which were new', async () => {
      const first = await store.enqueue([newNotification('a'), newNotification('b')]);
      expect(first.map((r) => r.created)).toEqual([true, true]);
      const again = await store.enqueue([newNotification('c', { dedupeKey: 'alarm-1:0:sms:a' }), newNotification('d')]);
      expect(again.map((r) => [r.notification.id, r.created])).toEqual([['a', false], ['d', true]]);
      const inBatch = await store.enqueue([newNotification('e', { dedupeKey: 'k' }), newNotification('f', { dedupeKey: 'k' })]);
      expect(inBatch.map((r) => [r.notification.id, r.created])).toEqual([['e', true], ['e', false]]);
      expect(first[0]!.notification).toMatchObject({ state: 'pending', attempts: 0, nextAttemptAt: T0, alarmId: 'alarm-1', target: 'acme' });
    });

    it('is durable: a committed notification is there after reopening', async () => {
      await store.enqueue([newNotification('a')]);
      store = await ut.reopen();
      expect(await store.get('a')).toMatchObject({ id: 'a', state: 'pending', recipient: { id: 'person-a' } });
    });

    it('claims once, logs attempts, and records delivery with the provider ref', async () => {
      await store.enqueue([newNotification('a')]);
      const claimed = await store.claim('a', T0 + 1);
      expect(claimed).toMatchObject({ state: 'sending', attempts: 1, nextAttemptAt: null });
      expect(await store.claim('a', T0 + 2)).toBeUndefined();
      expect(await store.markDelivered('a', 1, { providerRef: 'p-1', detail: 'HTTP 200' }, T0 + 3)).toBe(true);
      expect(await store.get('a')).toMatchObject({ state: 'delivered', providerRef: 'p-1', updatedAt: T0 + 3 });
      expect(await store.attempts('a')).toEqual([
        { notificationId: 'a', attempt: 1, startedAt: T0 + 1, finishedAt: T0 + 3, outcome: 'delivered', providerRef: 'p-1', detail: 'HTTP 200' },
      ]);
      expect(await store.claim('a', T0 + 4, { reclaim: true })).toBeUndefined();
    });

    it('retry makes it pending again at the given time; a stale attempt cannot overwrite', async () => {
      await store.enqueue([newNotification('a')]);
      await store.claim('a', T0);
      expect(await store.markRetry('a', 1, 'HTTP 503', T0 + 5000, T0 + 10)).toBe(true);
      expect(await store.get('a')).toMatchObject({ state: 'pending', nextAttemptAt: T0 + 5000, lastError: 'HTTP 503' });
      expect(await store.due(T0 + 4999)).toEqual([]);
      expect((await store.due(T0 + 5000)).map((n) => n.id)).toEqual(['a']);
      await store.claim('a', T0 + 5000);
      expect(await store.markDelivered('a', 1, {}, T0 + 5001)).toBe(false);
      expect(await store.markFailed('a', 2, 'HTTP 400', false, T0 + 5002)).toBe(true);
      expect(await store.get('a')).toMatchObject({ state: 'failed', lastError: 'HTTP 400', nextAttemptAt: null });
      expect((await store.attempts('a')).map((a) => a.outcome)).toEqual(['recoverable', 'permanent']);
    });

    it('lists by alarm, oldest first, whatever the state', async () => {
      await store.enqueue([newNotification('a'), newNotification('b'), newNotification('x', { alarmId: 'alarm-2', dedupeKey: 'x' })]);
      await store.claim('b', T0);
      expect((await store.listByAlarm('alarm-1')).map((n) => [n.id, n.state])).toEqual([['a', 'pending'], ['b', 'sending']]);
      expect(await store.listByAlarm('nope')).toEqual([]);
    });

    it('finds the earlier unfinished message for the same alarm and party (ordering)', async () => {
      const party = { recipient: { id: 'party:guards' }, channel: 'sia-dc09', target: 'guards' };
      await store.enqueue([
        newNotification('alarm', { ...party, dedupeKey: 'k1' }),
        newNotification('other-party', { ...party, recipient: { id: 'party:police' }, dedupeKey: 'k2' }),
        newNotification('other-alarm', { ...party, alarmId: 'alarm-2', dedupeKey: 'k3' }),
        newNotification('restore', { ...party, purpose: 'restore', dedupeKey: 'k4' }),
      ]);
      const restore = (await store.get('restore'))!;
      expect((await store.earlierUnfinished(restore))?.id).toBe('alarm');
      expect(await store.earlierUnfinished((await store.get('alarm'))!)).toBeUndefined();
      expect(await store.earlierUnfinished((await store.get('other-party'))!)).toBeUndefined();
      await store.claim('alarm', T0);
      expect((await store.earlierUnfinished(restore))?.state).toBe('sending');
      await store.markFailed('alarm', 1, 'gave up', true, T0 + 1);
      expect(await store.earlierUnfinished(restore)).toBeUndefined();
    });

    it('recovers rows left sending by a crash, and reclaims one on request', async () => {
      await store.enqueue([newNotification('a'), newNotification('b'), newNotification('c')]);
      await store.claim('a', T0);
      await store.claim('b', T0);
      store = await ut.reopen();
      expect(await store.recoverInterrupted(T0 + 100)).toBe(2);
      expect((await store.pending()).map((n) => [n.id, n.nextAttemptAt])).toEqual([['c', T0], ['a', T0 + 100], ['b', T0 + 100]]);
      expect((await store.attempts('a'))[0]).toMatchObject({ outcome: 'interrupted', finishedAt: T0 + 100 });
      await store.claim('c', T0 + 200);
      expect(await store.claim('c', T0 + 300)).toBeUndefined();
      expect(await store.claim('c', T0 + 300, { reclaim: true })).toMatchObject({ attempts: 2, state: 'sending' });
      expect((await store.attempts('c')).map((a) => a.outcome)).toEqual(['interrupted', undefined]);
    });

    it('tracks whether a failure was escalated', async () => {
      await store.enqueue([newNotification('a')]);
      await store.claim('a', T0);
      await store.markFailed('a', 1, 'gave up', true, T0 + 1);
      expect((await store.unreportedFailures()).map((n) => n.id)).toEqual(['a']);
      await store.markFailureReported('a', T0 + 2);
      expect(await store.unreportedFailures()).toEqual([]);
      expect(await store.get('a')).toMatchObject({ failureReportedAt: T0 + 2 });
    });

    it('records a delivery receipt against any of the provider references, and failed stays failed', async () => {
      await store.enqueue([newNotification('a'), newNotification('b')]);
      await store.claim('a', T0 + 1);
      await store.markDelivered('a', 1, { providerRef: 'm-1', providerRefs: ['m-1', 'm-2'], detail: '2 parts' }, T0 + 2);
      expect(await store.recordHandsetReport('sms', 'm-9', { state: 'delivered', detail: 'DELIVRD', at: T0 + 3 })).toBeUndefined();
      expect(await store.recordHandsetReport('voice', 'm-1', { state: 'delivered', detail: 'DELIVRD', at: T0 + 3 })).toBeUndefined();
      expect(await store.recordHandsetReport('sms', 'm-2', { state: 'failed', detail: 'UNDELIV err:001', at: T0 + 4 })).toMatchObject({ id: 'a' });
      expect(await store.recordHandsetReport('sms', 'm-1', { state: 'delivered', detail: 'DELIVRD', at: T0 + 5 })).toMatchObject({ id: 'a' });
      store = await ut.reopen();
      expect(await store.get('a')).toMatchObject({ state: 'delivered', providerRef: 'm-1', handset: { state: 'failed', detail: 'UNDELIV err:001', at: T0 + 4 } });
      expect((await store.get('b'))?.handset).toBeUndefined();
    });

    it('keeps a receipt that arrives before the delivery is recorded, and applies it then', async () => {
      await store.enqueue([newNotification('a')]);
      await store.claim('a', T0 + 1);
      expect(await store.recordHandsetReport('sms', 'm-1', { state: 'delivered', detail: 'DELIVRD', at: T0 + 2 })).toBeUndefined();
      await store.markDelivered('a', 1, { providerRef: 'm-1' }, T0 + 3);
      expect(await store.get('a')).toMatchObject({ handset: { state: 'delivered', detail: 'DELIVRD', at: T0 + 2 } });
    });
  });
}
