import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TryggError } from '../../../errors';
import { sampleNotification } from '../../notifier-conformance';
import { FarEndHttp } from '../far-end-http';
import { HttpProviderNotifier, type HttpProviderConfig } from './http-provider';

const KEY = 'k3y-Very$ecret';
const signal = () => new AbortController().signal;

describe('HttpProviderNotifier', () => {
  let far: FarEndHttp;
  let base: string;
  beforeEach(async () => {
    far = new FarEndHttp();
    base = await far.start();
  });
  afterEach(() => far.stop());

  const make = (config: Partial<HttpProviderConfig> = {}) => new HttpProviderNotifier({
    name: 'acme', channel: 'sms', url: `${base}/send?to={{phone}}`,
    headers: { 'X-Api-Key': '${secret:KEY}' },
    bodyTemplate: '{"to":"{{phone}}","text":"{{text}}","ref":"{{id}}"}',
    providerRefPath: 'messageId',
    ...config,
  }, { secrets: { KEY } });

  it('sends the templated request with the idempotency key and returns the provider ref', async () => {
    const n = sampleNotification({ recipient: { id: 'r', phone: '+47 999 99 999', name: 'Ola "Q" Nordmann' } });
    const result = await make().send(n, signal());
    expect(result).toEqual({ ok: true, providerRef: 'prov-1', detail: 'HTTP 200' });
    const [req] = far.requests;
    expect(req!.url).toBe('/send?to=%2B47%20999%2099%20999');
    expect(req!.headers['x-api-key']).toBe(KEY);
    expect(req!.headers['idempotency-key']).toBe(n.id);
    expect(req!.headers['content-type']).toBe('application/json');
    const body = JSON.parse(req!.body); // quotes and line breaks in the text are escaped
    expect(body).toMatchObject({ to: '+47 999 99 999', ref: n.id });
    expect(body.text).toContain('Overfallsalarm');
  });

  it('form encoding, voice text, and English for an English recipient', async () => {
    const n = sampleNotification({ recipient: { id: 'r', phone: '+4711111111', language: 'en' } });
    await make({ channel: 'voice', bodyEncoding: 'form', bodyTemplate: 'To={{phone}}&Say={{text}}' }).send(n, signal());
    const params = new URLSearchParams(far.requests[0]!.body);
    expect(params.get('To')).toBe('+4711111111');
    expect(params.get('Say')).toMatch(/^This is Trygg\. Panic alarm.*Press 1 to acknowledge\.$/);
    expect(far.requests[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('a value that looks like a secret reference is sent as written, never expanded', async () => {
    const n = sampleNotification({ recipient: { id: 'r', phone: '${secret:KEY}' } });
    await make().send(n, signal());
    expect(far.requests[0]!.body).not.toContain(KEY);
    expect(JSON.parse(far.requests[0]!.body).to).toBe('${secret:KEY}');
  });

  it('classifies statuses: 429 and 5xx recoverable, other 4xx permanent, configurable', async () => {
    const n = sampleNotification();
    const answer = (status: number) => { far.okBody = () => ''; far.mode = 'ok'; return status; };
    far.mode = 'recoverable';
    expect(await make().send(n, signal())).toMatchObject({ ok: false, recoverable: true, error: expect.stringMatching(/^sms via http-provider "acme": HTTP 503/) });
    far.mode = 'permanent';
    expect(await make().send(n, signal())).toMatchObject({ ok: false, recoverable: false });
    expect(await make({ recoverableStatus: [400] }).send(n, signal())).toMatchObject({ ok: false, recoverable: true });
    answer(200);
    expect(await make({ successStatus: [202] }).send(n, signal())).toMatchObject({ ok: false, recoverable: false, error: expect.stringContaining('HTTP 200') });
  });

  it('does not follow redirects (credentials could go to another host)', async () => {
    const target = new FarEndHttp();
    const elsewhere = await target.start();
    far.okBody = () => '';
    const redirecting = new HttpProviderNotifier({ name: 'acme', channel: 'sms', url: `${base}/x`, headers: { 'X-Api-Key': '${secret:KEY}' } }, {
      secrets: { KEY },
      fetch: async (url, init) => (String(url).startsWith(base) ? new Response(null, { status: 302, headers: { location: `${elsewhere}/steal` } }) : fetch(url, init)),
    });
    expect(await redirecting.send(sampleNotification(), signal())).toMatchObject({ ok: false, recoverable: false, error: expect.stringContaining('redirect') });
    expect(target.requests).toEqual([]);
    await target.stop();
  });

  it('an unreachable provider is recoverable, and the error shows neither key nor URL password', async () => {
    await far.stop();
    const n = sampleNotification();
    const result = await make({ url: `${base}/send?key=\${secret:KEY}` }).send(n, signal());
    expect(result).toMatchObject({ ok: false, recoverable: true, error: expect.stringContaining('ECONNREFUSED') });
    expect(JSON.stringify(result)).not.toContain(KEY);
    expect(JSON.stringify(result)).not.toContain(encodeURIComponent(KEY));
  });

  it('checks the configuration at load: unknown secrets and variables', () => {
    expect(() => make({ headers: { Authorization: 'Bearer ${secret:MISSING}' } })).toThrow(TryggError);
    expect(() => make({ headers: { Authorization: 'Bearer ${secret:MISSING}' } })).toThrow(/secret "MISSING" is not configured/);
    expect(() => make({ bodyTemplate: '{{phoen}}' })).toThrow(/unknown template variable "\{\{phoen\}\}"/);
    expect(() => make({ method: 'GET' })).toThrow(/GET has no body/);
    expect(() => make({ url: `http://user:\${secret:KEY}@127.0.0.1/x` })).toThrow(/must not hold credentials/);
    expect(() => make({ url: 'not a url ${secret:KEY}' })).toThrow(/not a valid URL/);
    try {
      make({ url: 'bad ${secret:KEY}' });
    } catch (err) {
      expect(String(err)).not.toContain(KEY);
    }
  });
});
