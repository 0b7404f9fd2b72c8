import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SmscSimulator } from '../../../test/support/smsc-simulator';
import { validateConfig } from '../config/load-config';
import { SqliteNotificationStore } from '../notify/sqlite-notification-store';
import { bootEvacuation, evacuationConfig, login, type EvacuationOffice } from './evacuation-test-harness';

/**
 * Evacuation over a real SMS channel: the SMPP notifier bound to an SMSC (the test's simulator),
 * delivery receipts recorded against the stored notifications, and people's replies ("ok",
 * any case) marking them safe in the roll call.
 */
const STAFF = 20;
let dir: string;
let smsc: SmscSimulator;
let office: EvacuationOffice;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trygg-evac-sms-'));
  smsc = await new SmscSimulator({ systemId: 'trygg', password: 'trygg-demo' }).start();
  const config = evacuationConfig(undefined, STAFF);
  config.notifiers = [
    { id: 'sms', channel: 'sms', settings: { provider: 'smpp', host: '127.0.0.1', port: smsc.port, systemId: 'trygg', password: 'trygg-demo', sender: 'Trygg' } },
  ];
  office = await bootEvacuation(dir, systemClock, validateConfig(config, 'evacuation over SMPP'));
});

afterEach(async () => {
  await office.close();
  await smsc.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Reads the notification outbox the server writes (a second connection, as an operator's query would). */
async function withStore<T>(read: (store: SqliteNotificationStore) => Promise<T>): Promise<T> {
  const store = new SqliteNotificationStore(join(dir, 'trygg.db'));
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

describe('evacuation over SMPP', () => {
  it('texts everyone with a phone, records the receipts, and an "OK" reply marks that person safe', async () => {
    const cookie = await login(office.app, 'manager');
    const started = await office.app.inject({ method: 'POST', url: '/api/v1/sites/demo/evacuations', headers: { cookie }, payload: {} });
    expect(started.statusCode, started.body).toBe(201);
    const { id } = started.json().evacuation as { id: string };
    const people = office.directory.config.users.filter((u) => u.sites.includes('demo') && u.phone);
    await vi.waitFor(() => expect(new Set(smsc.messages.map((m) => m.to)).size).toBe(people.length), { timeout: 20_000, interval: 50 });
    expect(smsc.messages.every((m) => /^\+47\d{8}$/.test(m.to))).toBe(true);

    // Every evacuation SMS has its (automatic DELIVRD) receipt recorded on the stored notification.
    await vi.waitFor(async () => {
      const handsets = await withStore((store) => Promise.all(smsc.messages.map(async (m) => (await store.get(m.notificationId!))?.handset?.state)));
      expect(handsets).toEqual(smsc.messages.map(() => 'delivered'));
    }, { timeout: 10_000, interval: 50 });

    for (const [i, person] of people.entries()) smsc.reply(person.phone!, i % 2 === 0 ? 'OK' : ' ok. ');
    smsc.reply('+4791111111', 'OK'); // nobody's number: counted for nobody
    await vi.waitFor(async () => {
      const res = await office.app.inject({ method: 'GET', url: `/api/v1/evacuations/${id}`, headers: { cookie } });
      const body = res.json() as { counts: { safe: number }; people: { username: string; state: string; via?: string }[] };
      expect(body.counts.safe).toBe(people.length);
    }, { timeout: 20_000, interval: 50 });
  });

  it('a delivery receipt that says the phone was never reached is kept with the notification', async () => {
    const cookie = await login(office.app, 'manager');
    const started = await office.app.inject({ method: 'POST', url: '/api/v1/sites/demo/evacuations', headers: { cookie }, payload: {} });
    expect(started.statusCode).toBe(201);
    await vi.waitFor(() => expect(smsc.messages.length).toBeGreaterThan(0), { timeout: 20_000, interval: 50 });
    const message = smsc.messages[0]!;
    smsc.receipt(message.messageIds[0]!, 'UNDELIV', '001');
    await vi.waitFor(async () => {
      const report = await withStore(async (store) => (await store.get(message.notificationId!))?.handset);
      expect(report).toMatchObject({ state: 'failed', detail: 'UNDELIV err:001' });
    }, { timeout: 10_000, interval: 50 });
  });
});
