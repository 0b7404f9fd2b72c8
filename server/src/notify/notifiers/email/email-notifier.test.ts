import { createServer, type AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../notifier';
import { EmailNotifier, type EmailNotifierConfig } from './email-notifier';

const USER = 'trygg-mailer';
const PASS = 'S3cret-Pa55word!';

interface Received { mail: ParsedMail; raw: string; rcptTo: string[]; secure: boolean }

interface TestSmtp { port: number; received: Received[]; authAttempts: { user?: string; ok: boolean }[]; close(): Promise<void> }

/** A real SMTP server on a free local port, AUTH required. */
async function startSmtp(overrides: Partial<SMTPServerOptions> = {}): Promise<TestSmtp> {
  const received: Received[] = [];
  const authAttempts: TestSmtp['authAttempts'] = [];
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onAuth(auth, _session, cb) {
      const ok = auth.username === USER && auth.password === PASS;
      authAttempts.push({ user: auth.username, ok });
      if (!ok) return cb(new Error('Invalid username or password'));
      cb(null, { user: auth.username });
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      const rcptTo = session.envelope.rcptTo.map((r) => r.address);
      const secure = session.secure;
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then((mail) => { received.push({ mail, raw, rcptTo, secure }); cb(); }, cb);
      });
    },
    ...overrides,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, authAttempts, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function notification(over: Partial<Notification> = {}, subject: Partial<Notification['subject']> = {}): Notification {
  return {
    id: 'ntf-0001',
    channel: 'email',
    purpose: 'alarm',
    target: 'office-mail',
    createdAt: '2026-11-26T15:00:01.000Z',
    attempt: 1,
    recipient: { id: 'kari', name: 'Kari Nordmann', email: 'kari@example.no' },
    subject: {
      alarmId: 'alm-42', kind: 'panic', state: 'raised', drill: false, raisedAt: '2026-11-26T15:00:00.000Z',
      site: { id: 'oslo', name: 'Trygg AS Oslo', address: 'Storgata 1, 0155 Oslo', entrance: 'Hovedinngang' },
      room: { id: 'r3', name: 'Møterom 3', floor: '2' },
      ...subject,
    },
    ...over,
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { while (cleanups.length) await cleanups.pop()!(); });

async function setup(serverOverrides: Partial<SMTPServerOptions> = {}, config: Partial<EmailNotifierConfig> = {}) {
  const smtp = await startSmtp(serverOverrides);
  const notifier = new EmailNotifier({
    host: '127.0.0.1', port: smtp.port, auth: { user: USER, pass: PASS },
    from: '"Trygg alarm" <alarm@trygg.example.no>', replyTo: 'vakt@example.no', timeoutMs: 3000, ...config,
  });
  cleanups.push(() => smtp.close(), () => notifier.close());
  return { smtp, notifier };
}

function expectNoSecret(text: string) {
  expect(text).not.toContain(PASS);
  expect(text).not.toContain(Buffer.from(PASS).toString('base64').replace(/=+$/, ''));
  expect(text).not.toContain(Buffer.from(`\u0000${USER}\u0000${PASS}`).toString('base64').replace(/=+$/, ''));
}

describe('EmailNotifier against a real SMTP server', () => {
  it('authenticates and delivers a bokmål alarm with a stable Message-ID', async () => {
    const { smtp, notifier } = await setup();
    const result = await notifier.send(notification(), new AbortController().signal);

    expect(result).toMatchObject({ ok: true, providerRef: '<ntf-0001@trygg.example.no>' });
    expect(smtp.authAttempts).toEqual([{ user: USER, ok: true }]);
    expect(smtp.received).toHaveLength(1);
    const { mail, rcptTo } = smtp.received[0]!;
    expect(rcptTo).toEqual(['kari@example.no']);
    expect(mail.messageId).toBe('<ntf-0001@trygg.example.no>');
    expect(mail.subject).toBe('Overfallsalarm – Trygg AS Oslo, Møterom 3, 2. etasje');
    expect(mail.from?.text).toBe('"Trygg alarm" <alarm@trygg.example.no>');
    expect(mail.replyTo?.text).toBe('vakt@example.no');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.headers.get('x-trygg-notification-id')).toBe('ntf-0001');
    expect(smtp.received[0]!.raw).toMatch(/^Importance: High\r?$/m);
    expect(mail.text).toContain('Sted: Trygg AS Oslo, Storgata 1, 0155 Oslo');
    expect(mail.text).toContain('Inngang: Hovedinngang');
    expect(mail.text).toContain('Rom: Møterom 3, 2. etasje');
    // 15:00 UTC is 16:00 in Oslo in November.
    expect(mail.text).toContain('Tid: 26.11.2026 kl. 16:00:00 (Europe/Oslo, UTC+1)');
    expect(mail.text).not.toMatch(/ØVELSE/);
  });

  it('writes English for English recipients, in the site time zone, and marks drills', async () => {
    const { smtp, notifier } = await setup();
    const n = notification(
      { recipient: { id: 'john', email: 'john@example.com', language: 'en' } },
      { drill: true, kind: 'man-down', person: 'Ola', site: { id: 'ny', name: 'Trygg NY', timezone: 'America/New_York' } },
    );
    expect((await notifier.send(n, new AbortController().signal)).ok).toBe(true);
    const { mail } = smtp.received[0]!;
    expect(mail.subject).toBe('ØVELSE / DRILL: Man-down alarm (fall/no movement) – Trygg NY, Møterom 3, floor 2');
    expect(mail.text).toMatch(/^ØVELSE \/ DRILL – This is a drill\./);
    expect(mail.text).toContain('Person: Ola');
    expect(mail.text).toContain('Time: 2026-11-26 at 10:00:00 (America/New_York, UTC-5)');
  });

  it('puts the evacuation text (assembly point) first, and keeps hostile text out of the headers', async () => {
    const { smtp, notifier } = await setup();
    const n = notification({ purpose: 'evacuation' }, {
      kind: 'evacuation',
      site: { id: 'oslo', name: 'Evil\r\nBcc: victim@example.com', address: '<script>&"\'' },
      text: { nb: 'Møteplass: parkeringsplassen bak bygget.', en: 'Assembly point: the car park behind the building.' },
    });
    expect((await notifier.send(n, new AbortController().signal)).ok).toBe(true);
    const { mail, rcptTo } = smtp.received[0]!;
    expect(rcptTo).toEqual(['kari@example.no']);
    expect(mail.bcc).toBeUndefined();
    expect(mail.subject).toBe('EVAKUERING – Evil Bcc: victim@example.com, Møterom 3, 2. etasje');
    expect(mail.text!.indexOf('Møteplass: parkeringsplassen')).toBeLessThan(mail.text!.indexOf('Sted:'));
    expect(mail.text).toContain('<script>&"\'');
  });

  it('a wrong password is a permanent failure and the password is in no error', async () => {
    const { smtp, notifier } = await setup({}, { auth: { user: USER, pass: 'wrong-password-123' } });
    const result = await notifier.send(notification(), new AbortController().signal);
    expect(result).toMatchObject({ ok: false, recoverable: false });
    expect(smtp.authAttempts).toEqual([{ user: USER, ok: false }]);
    expect(smtp.received).toHaveLength(0);
    if (!result.ok) {
      expect(result.error).toMatch(/535/);
      expect(result.error).not.toContain('wrong-password-123');
      expect(result.error).not.toContain(Buffer.from('wrong-password-123').toString('base64').replace(/=+$/, ''));
    }
  });

  it('451 from the server is recoverable, 550 is permanent', async () => {
    let reply = 451;
    const { notifier } = await setup({
      onData(stream, _s, cb) {
        stream.resume();
        stream.on('end', () => cb(Object.assign(new Error(reply === 451 ? 'Try again later' : 'Mailbox unavailable'), { responseCode: reply })));
      },
    });
    const temp = await notifier.send(notification(), new AbortController().signal);
    expect(temp).toMatchObject({ ok: false, recoverable: true });
    if (!temp.ok) { expect(temp.error).toMatch(/451 Try again later/); expectNoSecret(temp.error); }
    reply = 550;
    const perm = await notifier.send(notification(), new AbortController().signal);
    expect(perm).toMatchObject({ ok: false, recoverable: false });
    if (!perm.ok) { expect(perm.error).toMatch(/550/); expectNoSecret(perm.error); }
  });

  it('a server that is down is recoverable', async () => {
    const notifier = new EmailNotifier({ host: '127.0.0.1', port: await freePort(), auth: { user: USER, pass: PASS }, from: 'alarm@trygg.example.no', timeoutMs: 2000 });
    cleanups.push(() => notifier.close());
    const result = await notifier.send(notification(), new AbortController().signal);
    expect(result).toMatchObject({ ok: false, recoverable: true });
    if (!result.ok) { expect(result.error).toMatch(/ECONNREFUSED/); expectNoSecret(result.error); }
  });

  it('an abort while the server is slow ends the send as recoverable, without throwing', async () => {
    let dataStarted!: () => void;
    const started = new Promise<void>((r) => { dataStarted = r; });
    const { notifier } = await setup({
      onData(stream, _s, cb) {
        stream.resume();
        stream.on('end', () => { dataStarted(); setTimeout(() => cb(), 5000).unref(); });
      },
    });
    const ac = new AbortController();
    const pending = notifier.send(notification(), ac.signal);
    await started;
    const t0 = Date.now();
    ac.abort(new Error('deadline'));
    const result = await pending;
    expect(result).toMatchObject({ ok: false, recoverable: true });
    if (!result.ok) expect(result.error).toMatch(/abort/);
    expect(Date.now() - t0).toBeLessThan(1000);

    const pre = new AbortController();
    pre.abort();
    expect(await notifier.send(notification(), pre.signal)).toMatchObject({ ok: false, recoverable: true });
  });

  it('requires TLS when told to: STARTTLS with a trusted certificate works, an untrusted one is permanent', async () => {
    const starttls = { disabledCommands: [] as string[], allowInsecureAuth: false };
    const ok = await setup(starttls, { requireTLS: true, tls: { rejectUnauthorized: false } });
    expect(await ok.notifier.send(notification(), new AbortController().signal)).toMatchObject({ ok: true });
    expect(ok.smtp.received[0]!.secure).toBe(true);

    const bad = await setup(starttls, { requireTLS: true });
    const result = await bad.notifier.send(notification(), new AbortController().signal);
    expect(result).toMatchObject({ ok: false, recoverable: false });
    expect(bad.smtp.authAttempts).toHaveLength(0);
    if (!result.ok) expectNoSecret(result.error);
  });

  it('a recipient without an e-mail address is permanent', async () => {
    const { notifier } = await setup();
    const result = await notifier.send(notification({ recipient: { id: 'nomail' } }), new AbortController().signal);
    expect(result).toEqual({ ok: false, recoverable: false, error: 'recipient nomail has no e-mail address' });
  });
});
