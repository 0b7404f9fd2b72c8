import { pino, type Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Notification, Notifier, SendResult } from './notifier';

/**
 * The shared suite every Notifier passes (as Alertmanager's notifiers share one integration suite).
 * A notifier's test calls `describeNotifierConformance('webhook', factory)`; the factory builds
 * the notifier against a far end it controls (a local server, a fake ARC, a fake SMTP server) and
 * gives the notifier the logger it is handed.
 *
 * For the secret check to mean something, the far end's failure answers should echo what it
 * received — credentials included — as real providers sometimes do.
 */
export type FarEndMode = 'ok' | 'recoverable' | 'permanent' | 'hang';

export interface NotifierUnderTest {
  notifier: Notifier;
  /** The secret configured for this notifier (API key, HMAC key, password). Never to be seen again. */
  secret: string;
  /** How the far end answers from now on ('hang': never answers). */
  answer(mode: FarEndMode): void;
  /** Idempotency keys (notification ids) that reached the far end, in order. */
  receivedIds(): string[];
  cleanup(): Promise<void>;
}

export type NotifierFactory = (context: { logger: Logger }) => Promise<NotifierUnderTest>;

/** A notification every channel can send: a phone, an e-mail address, a full location. */
export function sampleNotification(overrides: Partial<Notification> = {}): Notification {
  return {
    id: `n-${Math.random().toString(36).slice(2, 10)}`,
    channel: 'test',
    purpose: 'alarm',
    target: 'default',
    createdAt: '2026-01-05T09:00:00.000Z',
    attempt: 1,
    recipient: { id: 'guard-1', name: 'Vekter Vest', phone: '+4799999999', email: 'vakt@example.org', language: 'nb' },
    subject: {
      alarmId: 'alarm-1', kind: 'panic', state: 'raised', drill: false,
      site: { id: 'oslo', name: 'Kontor Oslo', address: 'Storgata 1, 0155 Oslo', entrance: 'B', timezone: 'Europe/Oslo' },
      room: { id: 'reception', name: 'Resepsjon', floor: '3' },
      deviceId: 'btn-1',
      raisedAt: '2026-01-05T09:00:00.000Z',
    },
    ...overrides,
  };
}

export function describeNotifierConformance(name: string, factory: NotifierFactory): void {
  describe(`Notifier conformance: ${name}`, () => {
    let ut: NotifierUnderTest;
    let logLines: string[];
    const results: SendResult[] = [];

    beforeEach(async () => {
      logLines = [];
      results.length = 0;
      const logger = pino({ level: 'trace' }, { write: (line: string) => { logLines.push(line); } });
      ut = await factory({ logger });
    });

    afterEach(async () => {
      await ut.cleanup();
    });

    /** Sends; a throw (sync or async) fails the test. Every result is kept for the secret check. */
    async function send(n: Notification, signal = new AbortController().signal): Promise<SendResult> {
      let result: SendResult;
      try {
        result = await ut.notifier.send(n, signal);
      } catch (err) {
        throw new Error(`${name}.send threw: ${String(err)}`);
      }
      results.push(result);
      return result;
    }

    /** The secret check, in every form a careless notifier might leak it. */
    function expectNoSecret(): void {
      const forms = [ut.secret, encodeURIComponent(ut.secret), Buffer.from(ut.secret).toString('base64').replace(/=+$/, '')];
      const errors = results.map((r) => (r.ok ? `${r.providerRef ?? ''} ${r.detail ?? ''}` : r.error)).join('\n');
      const logs = logLines.join('');
      for (const form of forms) {
        expect(errors, 'secret in a SendResult').not.toContain(form);
        expect(logs, 'secret in the log').not.toContain(form);
      }
    }

    it('has a channel and a secret to guard', () => {
      expect(ut.notifier.channel).toMatch(/\S/);
      expect(ut.secret.length).toBeGreaterThanOrEqual(8);
    });

    it('delivers: ok, and the far end got the notification id as idempotency key', async () => {
      const n = sampleNotification();
      const result = await send(n);
      expect(result).toMatchObject({ ok: true });
      expect(ut.receivedIds()).toContain(n.id);
      expectNoSecret();
    });

    it('a temporary failure of the far end is ok:false, recoverable, with a reason', async () => {
      ut.answer('recoverable');
      const result = await send(sampleNotification());
      expect(result).toMatchObject({ ok: false, recoverable: true });
      expect(!result.ok && result.error).toMatch(/\S/);
      expectNoSecret();
    });

    it('a permanent refusal is ok:false, not recoverable, with a reason', async () => {
      ut.answer('permanent');
      const result = await send(sampleNotification());
      expect(result).toMatchObject({ ok: false, recoverable: false });
      expect(!result.ok && result.error).toMatch(/\S/);
      expectNoSecret();
    });

    it('honours the abort signal while the far end does not answer', async () => {
      ut.answer('hang');
      const n = sampleNotification();
      const controller = new AbortController();
      const pending = send(n, controller.signal);
      await vi.waitFor(() => expect(ut.receivedIds()).toContain(n.id));
      controller.abort(new Error('timeout'));
      expect(await pending).toMatchObject({ ok: false, recoverable: true });
      expectNoSecret();
    });

    it('an already aborted signal gives a recoverable failure, not a throw', async () => {
      const controller = new AbortController();
      controller.abort(new Error('timeout'));
      expect(await send(sampleNotification(), controller.signal)).toMatchObject({ ok: false, recoverable: true });
      expectNoSecret();
    });

    it('never throws, even for a notification it cannot send', async () => {
      const odd = sampleNotification({
        recipient: { id: 'nobody' },
        subject: { kind: 'technical', state: 'raised', drill: true, site: { id: 's', name: '' }, raisedAt: 'not a time' },
      });
      const result = await send(odd);
      expect(typeof result.ok).toBe('boolean');
      if (!result.ok) expect(result.recoverable).toBe(false);
      expectNoSecret();
    });

    it('a retry carries the same idempotency key', async () => {
      ut.answer('recoverable');
      const n = sampleNotification();
      expect(await send(n)).toMatchObject({ ok: false, recoverable: true });
      ut.answer('ok');
      expect(await send({ ...n, attempt: 2 })).toMatchObject({ ok: true });
      expect(ut.receivedIds().filter((id) => id === n.id)).toHaveLength(2);
      expectNoSecret();
    });
  });
}
