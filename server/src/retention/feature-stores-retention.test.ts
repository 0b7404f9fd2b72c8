import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EvacuationStore } from '../evacuation/evacuation-store';
import { IncidentsDb } from '../incidents/incidents-db';
import type { Evacuation } from '../evacuation/evacuation-types';
import { LoneWorkStore } from '../lone-work/lone-work-store';
import { newNotification } from '../notify/notification-store-conformance';
import { SqliteNotificationStore } from '../notify/sqlite-notification-store';

/** The purge and person-erasure methods of the feature stores, each on a real SQLite file. */
const T0 = Date.parse('2026-01-05T09:00:00.000Z');
const DAY = 86_400_000;
const bi = { nb: 'x', en: 'x' };

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'trygg-retention-stores-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

describe('EvacuationStore: retention and erasure', () => {
  const evacuation = (id: string, siteId = 'demo'): Evacuation => ({
    id, siteId, drill: false, state: 'running', trigger: 'user', startedAt: T0, startedBy: 'user:mona',
    texts: { assemblyPoint: bi, banner: bi, sms: bi, phone: bi, email: bi } as Evacuation['texts'],
  });

  it('purges ended evacuations with their roll call before the cut-off; running and recent ones and other sites stay', () => {
    const store = new EvacuationStore(join(dir, 'trygg.db'));
    const person = (evacuationId: string) => ({ evacuationId, username: 'kari', name: 'Kari', phone: '+4740000002' });
    for (const [id, site] of [['old', 'demo'], ['recent', 'demo'], ['running', 'demo'], ['other', 'other']] as const) {
      store.startOrGetRunning(evacuation(id, site), [person(id)], [{ evacuationId: id, recipientId: 'user:kari', channel: 'sms', target: 'sms', dedupeKey: `${id}:kari` , state: 'pending', updatedAt: T0 }]);
      if (id !== 'running') store.end(id, id === 'recent' ? T0 + 5 * DAY : T0 + 1000, 'user:mona');
    }
    expect(store.purgeEnded('demo', T0 + DAY)).toBe(1);
    expect(store.get('old')).toBeUndefined();
    expect(store.people('old')).toEqual([]);
    expect(store.deliveries('old')).toEqual([]);
    for (const id of ['recent', 'running', 'other']) expect(store.get(id)).toBeDefined();
    store.close();
  });

  it('exports and erases a person: the answer stays, who gave it does not', () => {
    const store = new EvacuationStore(join(dir, 'trygg.db'));
    store.startOrGetRunning(evacuation('e1'), [{ evacuationId: 'e1', username: 'kari', name: 'Kari Kollega', phone: '+4740000002', email: 'kari@example.no' }], []);
    store.answer('e1', 'kari', 'safe', 'sms', T0 + 60_000);
    expect(store.personEntries('kari').rollCall).toMatchObject([{ evacuationId: 'e1', name: 'Kari Kollega', answer: 'safe' }]);
    expect(store.personEntries('mona').startedOrEnded).toEqual(['e1']);
    expect(store.erasePerson('kari', { username: 'erased-1', name: 'a person' })).toBe(1);
    expect(store.people('e1')).toMatchObject([{ username: 'erased-1', name: 'a person', answer: 'safe' }]);
    expect(JSON.stringify(store.people('e1'))).not.toMatch(/Kari|4740000002|kari@/);
    expect(store.personEntries('kari').rollCall).toEqual([]);
    store.close();
  });
});

describe('LoneWorkStore: retention and erasure', () => {
  const visit = (store: LoneWorkStore, id: string, over: { siteId?: string; deviceId?: string } = {}) => store.startVisit({
    id, siteId: over.siteId ?? 'demo', deviceId: over.deviceId ?? `phone-${id}`, owner: 'kari', person: 'Kari Kollega', address: 'Storgata 1', startedAt: T0, until: T0 + 3_600_000,
  }, 'user:kari');

  it('erases positions of missed visits after the cut-off unless their alarm is open, and purges finished visits', () => {
    const store = new LoneWorkStore(join(dir, 'trygg.db'));
    for (const id of ['missed-closed', 'missed-open', 'done', 'active']) visit(store, id);
    for (const id of ['missed-closed', 'missed-open']) {
      store.claimExpiry(id, T0 + 3_600_000);
      store.markMissed(id, T0 + 3_600_000, `alarm-${id}`);
      store.locateVisit(id, { lat: 60.39, lon: 5.32 }, T0 + 3_700_000);
    }
    store.checkOut('done', T0 + 1000, 'user:kari');

    expect(store.eraseVisitPositions('demo', T0 + DAY, ['alarm-missed-open'])).toBe(1);
    expect(store.visit('missed-closed')?.location).toBeUndefined();
    expect(store.visit('missed-open')?.location).toEqual({ lat: 60.39, lon: 5.32 });

    expect(store.purgeVisits('demo', T0 + DAY, ['alarm-missed-open'])).toBe(2);
    expect(store.visit('missed-closed')).toBeUndefined();
    expect(store.visit('done')).toBeUndefined();
    expect(store.visitLog('done')).toEqual([]);
    expect(store.visit('missed-open')).toBeDefined();
    expect(store.visit('active')).toBeDefined();
    store.close();
  });

  it('exports and erases a person\'s visits: times and states stay', () => {
    const store = new LoneWorkStore(join(dir, 'trygg.db'));
    visit(store, 'v1');
    store.checkOut('v1', T0 + 1000, 'user:kari');
    expect(store.personVisits('kari', 'Kari Kollega')).toMatchObject([{ id: 'v1', address: 'Storgata 1', log: [{ type: 'started' }, { type: 'checked-out' }] }]);
    expect(store.erasePerson('kari', 'Kari Kollega', { username: 'erased-1', name: 'a person' })).toBeGreaterThan(0);
    const v1 = store.visit('v1');
    expect(v1).toMatchObject({ state: 'checked-out', owner: 'erased-1', person: 'a person', address: undefined });
    expect(JSON.stringify(store.visitLog('v1'))).not.toContain('kari');
    expect(store.personVisits('kari', 'Kari Kollega')).toEqual([]);
    store.close();
  });
});

describe('SqliteNotificationStore: retention and erasure', () => {
  it('purges finished notifications by age, alarm or recipient, never pending ones', async () => {
    const store = new SqliteNotificationStore(join(dir, 'trygg.db'));
    const n = (id: string, over: Parameters<typeof newNotification>[1] = {}) => newNotification(id, { dedupeKey: `k-${id}`, ...over });
    await store.enqueue([n('old'), n('new'), n('pending'), n('of-alarm', { alarmId: 'alarm-2' }), n('to-kari', { recipient: { id: 'user:kari', phone: '+4740000002' } })]);
    const deliver = async (id: string, at: number) => {
      await store.claim(id, at);
      await store.markDelivered(id, 1, { providerRef: `ref-${id}` }, at);
    };
    await deliver('old', T0);
    await deliver('new', T0 + 5 * DAY);
    await deliver('of-alarm', T0 + 5 * DAY);
    await deliver('to-kari', T0 + 5 * DAY);

    expect(store.listByRecipient(['user:kari']).map((x) => x.id)).toEqual(['to-kari']);
    expect(store.purgeFinished({ updatedBefore: T0 + DAY })).toBe(1);
    expect(await store.get('old')).toBeUndefined();
    expect(await store.attempts('old')).toEqual([]);
    expect(store.purgeFinished({ alarmIds: ['alarm-2'] })).toBe(1);
    expect(store.purgeFinished({ recipientIds: ['user:kari'] })).toBe(1);
    expect(store.purgeFinished({ updatedBefore: T0 + 10 * DAY })).toBe(1); // 'new'; 'pending' is still being delivered
    expect((await store.get('pending'))?.state).toBe('pending');
    expect(store.purgeFinished({})).toBe(0);
    await store.close();
  });
});

describe('IncidentsDb: the read and change log is pruned after auditDays', () => {
  it('deletes this site\'s rows older than the cut-off, keeps recent ones and other sites\'', () => {
    const db = new IncidentsDb(join(dir, 'trygg.db'));
    db.audit([
      { incidentId: 'i1', siteId: 'demo', at: T0, username: 'kari', action: 'read', via: 'get' },
      { incidentId: 'i1', siteId: 'demo', at: T0 + 5 * DAY, username: 'mona', action: 'read', via: 'get' },
      { incidentId: 'i2', siteId: 'other', at: T0, username: 'olav', action: 'read', via: 'get' },
    ]);
    expect(db.pruneAudit('demo', T0 + DAY)).toBe(1);
    expect(db.auditOf('i1').map((e) => e.username)).toEqual(['mona']);
    expect(db.auditOf('i2')).toHaveLength(1);
    db.close();
  });
});
