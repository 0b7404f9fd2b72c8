import { createHmac } from 'node:crypto';
import { FakeClock } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleNotification } from '../../notifier-conformance';
import { FarEndHttp } from '../far-end-http';
import { signWebhook, verifyWebhookSignature } from './signature';
import { WebhookNotifier, type WebhookBody } from './webhook';

const KEY = 'whsec_0123456789abcdef';

describe('WebhookNotifier', () => {
  let far: FarEndHttp;
  let base: string;
  const clock = new FakeClock(Date.parse('2026-01-05T09:00:00.000Z'));
  beforeEach(async () => {
    far = new FarEndHttp();
    base = await far.start();
  });
  afterEach(() => far.stop());

  it('POSTs the notification as JSON, signed over timestamp and raw body; the receiver verifies it', async () => {
    const notifier = new WebhookNotifier({ name: 'guards', url: `${base}/hook`, signingKey: '${secret:HOOK}' }, { secrets: { HOOK: KEY }, clock });
    const n = sampleNotification();
    expect(await notifier.send(n, new AbortController().signal)).toEqual({ ok: true, detail: 'HTTP 200' });
    const [req] = far.requests;
    expect(req!.method).toBe('POST');
    expect(req!.headers['x-trygg-delivery']).toBe(n.id);
    expect(req!.headers['x-trygg-timestamp']).toBe(String(clock.now() / 1000));
    const verify = (over: Partial<Parameters<typeof verifyWebhookSignature>[0]> = {}) => verifyWebhookSignature({
      key: KEY, timestamp: String(req!.headers['x-trygg-timestamp']), rawBody: req!.body,
      signature: String(req!.headers['x-trygg-signature']), nowMs: clock.now(), ...over,
    });
    expect(verify()).toBe(true);
    expect(verify({ rawBody: req!.body.replace('panic', 'technical') })).toBe(false); // tampered body
    expect(verify({ key: 'wrong' })).toBe(false);
    expect(verify({ timestamp: String(clock.now() / 1000 + 1) })).toBe(false); // timestamp is signed too
    expect(verify({ nowMs: clock.now() + 301_000 })).toBe(false); // replay after the tolerance
    const body = JSON.parse(req!.body) as WebhookBody;
    expect(body).toMatchObject({ v: 1, id: n.id, attempt: 1, purpose: 'alarm', subject: { kind: 'panic', site: { id: 'oslo' } } });
    expect(body.recipient).toEqual({ id: 'guard-1', name: 'Vekter Vest', language: 'nb' }); // no phone, no e-mail
  });

  it('signature format is sha256=<hex of HMAC-SHA256 over "<ts>.<body>">', () => {
    expect(signWebhook('key', 1, '{}')).toBe(`sha256=${createHmac('sha256', 'key').update('1.{}').digest('hex')}`);
    expect(signWebhook('key', 1, '{}')).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signWebhook('key', 1, '{}')).not.toBe(signWebhook('key', 2, '{}'));
  });

  it('retries are the same delivery: same id header, newly signed', async () => {
    const notifier = new WebhookNotifier({ name: 'guards', url: `${base}/hook`, signingKey: KEY }, { clock });
    const n = sampleNotification();
    far.mode = 'recoverable';
    expect(await notifier.send(n, new AbortController().signal)).toMatchObject({ ok: false, recoverable: true });
    far.mode = 'ok';
    clock.advance(5000);
    expect(await notifier.send({ ...n, attempt: 2 }, new AbortController().signal)).toMatchObject({ ok: true });
    expect(far.header('x-trygg-delivery')).toEqual([n.id, n.id]);
    expect(far.header('x-trygg-timestamp')[1]).not.toBe(far.header('x-trygg-timestamp')[0]);
  });
});
