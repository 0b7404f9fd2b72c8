import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { FarEndMode, NotifierFactory } from '../../notifier-conformance';
import { EmailNotifier } from './email-notifier';

/**
 * Test support: the e-mail notifier against a real local SMTP server (AUTH required) for the
 * shared conformance suite. The notification id is read from the received message's
 * X-Trygg-Notification-Id; failure replies echo the password the client authenticated with, as a
 * careless server might, so a notifier that passes them on leaks its secret.
 */
export function emailUnderTest(secret: string): NotifierFactory {
  return async ({ logger }) => {
    let mode: FarEndMode = 'ok';
    const ids: string[] = [];
    const server = new SMTPServer({
      authOptional: false, allowInsecureAuth: true, disabledCommands: ['STARTTLS'], logger: false, closeTimeout: 50,
      onAuth(auth, _session, cb) {
        if (auth.username !== 'trygg' || auth.password !== secret) return cb(new Error(`bad password ${auth.password}`));
        cb(null, { user: auth.password });
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const id = /^X-Trygg-Notification-I[dD]: *(\S+)/m.exec(Buffer.concat(chunks).toString('utf8'))?.[1];
          if (id) ids.push(id);
          const echo = `you authenticated with ${String(session.user)}`;
          if (mode === 'recoverable') cb(Object.assign(new Error(`Try again later, ${echo}`), { responseCode: 451 }));
          else if (mode === 'permanent') cb(Object.assign(new Error(`Rejected, ${echo}`), { responseCode: 550 }));
          else if (mode === 'ok') cb();
          // 'hang': never answers
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const notifier = new EmailNotifier(
      { host: '127.0.0.1', port: (server.server.address() as AddressInfo).port, auth: { user: 'trygg', pass: '${secret:SMTP_PASS}' }, from: 'alarm@trygg.example.org' },
      { secrets: { SMTP_PASS: secret }, logger },
    );
    return {
      notifier, secret,
      answer: (m) => { mode = m; },
      receivedIds: () => ids,
      cleanup: async () => { await notifier.close(); await new Promise<void>((r) => server.close(() => r())); },
    };
  };
}
