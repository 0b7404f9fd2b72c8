import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../notifier';
import { CapNotifier, type CapNotifierConfig } from './cap-notifier';

const TOKEN = 'tok_9f8e7d6c5b4a3210';
const PATH_SECRET = 'hook-abcdef123456';

interface Request { method?: string; url?: string; headers: IncomingHttpHeaders; body: string }

/** A real HTTP receiver on a free local port; `reply` decides each answer. */
async function startReceiver(reply: (req: Request) => { status: number; body?: string; headers?: Record<string, string> } | 'hang') {
  const requests: Request[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Request = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      const answer = reply(r);
      if (answer === 'hang') return;
      res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  cleanups.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return { port, requests, base: `http://127.0.0.1:${port}` };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { while (cleanups.length) await cleanups.pop()!(); });

function notification(over: Partial<Notification> = {}): Notification {
  return {
    id: 'ntf-77', channel: 'cap', purpose: 'alarm', target: 'arc', attempt: 1, createdAt: '2026-11-26T15:00:00Z',
    recipient: { id: 'arc' },
    subject: { kind: 'panic', state: 'raised', drill: false, raisedAt: '2026-11-26T15:00:00Z', site: { id: 'oslo', name: 'Trygg AS' } },
    ...over,
  };
}

function notifier(base: string, over: Partial<CapNotifierConfig> = {}) {
  return new CapNotifier(
    { url: `${base}/\${secret:CAP_PATH}?key=\${secret:CAP_KEY}`, headers: { Authorization: 'Bearer ${secret:CAP_KEY}' }, ...over },
    { secrets: { CAP_KEY: TOKEN, CAP_PATH: PATH_SECRET } },
  );
}

function expectNoSecret(text: string) {
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(PATH_SECRET);
}

const signal = () => new AbortController().signal;

describe('CapNotifier POSTs CAP XML to a real HTTP receiver', () => {
  it('sends the alert with its content type and secret header (from ${secret:NAME})', async () => {
    const rx = await startReceiver(() => ({ status: 202, body: 'queued' }));
    const result = await notifier(rx.base).send(notification(), signal());
    expect(result).toMatchObject({ ok: true, providerRef: 'ntf-77' });
    const req = rx.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe(`/${PATH_SECRET}?key=${TOKEN}`);
    expect(req.headers['content-type']).toBe('application/cap+xml; charset=utf-8');
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">/);
    expect(req.body).toContain('<identifier>ntf-77</identifier>');
  });

  it('credentials in the URL become Basic auth and are not sent in the URL', async () => {
    const rx = await startReceiver(() => ({ status: 200 }));
    const n = new CapNotifier({ url: `http://arc:${TOKEN}@127.0.0.1:${rx.port}/cap` });
    expect((await n.send(notification(), signal())).ok).toBe(true);
    expect(rx.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`arc:${TOKEN}`).toString('base64')}`);
  });

  it('5xx, 429 and 408 are recoverable; other 4xx permanent; secrets echoed by the receiver are redacted', async () => {
    let status = 503;
    const rx = await startReceiver((req) => ({ status, body: `rejected ${req.url} with ${req.headers.authorization}` }));
    const n = notifier(rx.base);
    for (const [s, recoverable] of [[503, true], [500, true], [429, true], [408, true], [400, false], [401, false], [404, false]] as const) {
      status = s;
      const result = await n.send(notification(), signal());
      expect(result, String(s)).toMatchObject({ ok: false, recoverable });
      if (!result.ok) {
        expect(result.error).toContain(`HTTP ${s}`);
        expectNoSecret(result.error);
      }
    }
  });

  it('does not follow a redirect (it would carry the token elsewhere)', async () => {
    const elsewhere = await startReceiver(() => ({ status: 200 }));
    const rx = await startReceiver(() => ({ status: 307, headers: { location: `${elsewhere.base}/steal` } }));
    const result = await notifier(rx.base).send(notification(), signal());
    expect(result).toMatchObject({ ok: false, recoverable: false });
    if (!result.ok) expect(result.error).toMatch(/redirect/);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('a timeout (the attempt signal), a refused connection and an abort are recoverable and never throw', async () => {
    const rx = await startReceiver(() => 'hang');
    const timedOut = await notifier(rx.base).send(notification(), AbortSignal.timeout(200));
    expect(timedOut).toMatchObject({ ok: false, recoverable: true });
    if (!timedOut.ok) { expect(timedOut.error).toMatch(/aborted/); expectNoSecret(timedOut.error); }

    const ac = new AbortController();
    const pending = notifier(rx.base).send(notification(), ac.signal);
    setTimeout(() => ac.abort(), 50);
    const aborted = await pending;
    expect(aborted).toMatchObject({ ok: false, recoverable: true });
    if (!aborted.ok) expect(aborted.error).toMatch(/aborted/);

    const down = await startReceiver(() => ({ status: 200 }));
    await cleanups.pop()!();
    const refused = await notifier(down.base).send(notification(), signal());
    expect(refused).toMatchObject({ ok: false, recoverable: true });
    if (!refused.ok) { expect(refused.error).toMatch(/ECONNREFUSED/); expectNoSecret(refused.error); }
  });

  it('an alert that cannot be built is permanent', async () => {
    const rx = await startReceiver(() => ({ status: 200 }));
    const result = await notifier(rx.base).send(notification({ createdAt: 'not a time' }), signal());
    expect(result).toMatchObject({ ok: false, recoverable: false });
    expect(rx.requests).toHaveLength(0);
  });

  it('a bad URL is refused at configuration time without echoing it', () => {
    let message = '';
    try { new CapNotifier({ url: `not a url ${TOKEN}` }); } catch (err) { message = (err as Error).message; }
    expect(message).toMatch(/url: not a valid URL/);
    expect(message).not.toContain(TOKEN);
    expect(() => new CapNotifier({ url: 'ftp://example.com/cap' })).toThrow(/http/);
    expect(() => new CapNotifier({ url: 'https://x/${secret:MISSING}' })).toThrow(/secret "MISSING" is not configured/);
  });
});
