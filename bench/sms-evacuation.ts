/**
 * Issue figure for SMS as a real channel: an evacuation of 500 people over SMPP against the SMSC
 * simulator (test/support/smsc-simulator.ts) on the real pipeline: messages submitted, delivery
 * receipts matched to the stored notifications, and "OK" replies matched to people in the roll
 * call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '@trygg/protocol';
import { validateConfig } from '../server/src/config/load-config';
import { bootEvacuation, evacuationConfig, login } from '../server/src/evacuation/evacuation-test-harness';
import { SqliteNotificationStore } from '../server/src/notify/sqlite-notification-store';
import { SmscSimulator } from '../test/support/smsc-simulator';

export interface SmsEvacuationFigure {
  people: number;
  submitted: number;
  messages: number;
  receiptsMatched: number;
  repliesSent: number;
  repliesMatched: number;
  allSubmittedMs: number;
  allSafeMs: number;
  /** Notifications that reached the SMSC as more than one complete message. */
  sentTwice: number;
  /** Complete messages that were not evacuation messages (the evacuation alarm's own steps). */
  otherMessages: number;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`sms-evacuation: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function measureSmsEvacuation(people = 500): Promise<SmsEvacuationFigure> {
  const dir = mkdtempSync(join(tmpdir(), 'trygg-bench-sms-'));
  const smsc = await new SmscSimulator({ systemId: 'trygg', password: 'trygg-demo' }).start();
  const config = evacuationConfig(undefined, people - 4);
  config.notifiers = [{ id: 'sms', channel: 'sms', settings: { provider: 'smpp', host: '127.0.0.1', port: smsc.port, systemId: 'trygg', password: 'trygg-demo', sender: 'Trygg' } }];
  const office = await bootEvacuation(dir, systemClock, validateConfig(config, 'sms evacuation bench'));
  const reader = new SqliteNotificationStore(join(dir, 'trygg.db'));
  try {
    const phones = office.directory.config.users.filter((u) => u.sites.includes('demo') && u.phone).map((u) => u.phone!);
    const cookie = await login(office.app, 'manager');
    const t0 = performance.now();
    const res = await office.app.inject({ method: 'POST', url: '/api/v1/sites/demo/evacuations', headers: { cookie }, payload: { drill: true } });
    if (res.statusCode !== 201) throw new Error(`evacuation start answered ${res.statusCode}: ${res.body}`);
    const { id } = (res.json() as { evacuation: { id: string } }).evacuation;
    await until(() => new Set(smsc.messages.map((m) => m.to)).size >= phones.length, 'every SMS at the SMSC');
    const allSubmittedMs = performance.now() - t0;
    const receipts = async () => (await Promise.all(smsc.messages.map(async (m) => (await reader.get(m.notificationId!))?.handset?.state === 'delivered'))).filter(Boolean).length;
    await until(async () => (await receipts()) >= smsc.messages.length, 'receipts recorded');
    for (const phone of phones) smsc.reply(phone, 'OK');
    const safe = async () => {
      const r = await office.app.inject({ method: 'GET', url: `/api/v1/evacuations/${id}`, headers: { cookie } });
      return (r.json() as { counts: { safe: number } }).counts.safe;
    };
    await until(async () => (await safe()) >= phones.length, 'everyone safe');
    return {
      people: phones.length, submitted: smsc.parts.length, messages: smsc.messages.length, receiptsMatched: await receipts(),
      repliesSent: phones.length, repliesMatched: await safe(), allSubmittedMs, allSafeMs: performance.now() - t0,
      sentTwice: smsc.messages.length - new Set(smsc.messages.map((m) => m.notificationId)).size,
      otherMessages: (await Promise.all(smsc.messages.map(async (m) => (await reader.get(m.notificationId!))?.dedupeKey.startsWith('evacuation:')))).filter((e) => !e).length,
    };
  } finally {
    await reader.close();
    await office.close();
    await smsc.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
