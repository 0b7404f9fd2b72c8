import nodemailer from 'nodemailer';
import type { NodemailerError, SMTPTransportOptions, Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { Notification, Notifier, SendResult } from '../../notifier';
import { redactor, type Redact } from '../../redact';
import { checkTemplate, escapes, render } from '../http-provider/template';
import { composeEmail, messageIdFor } from './email-message';
import { oneLine } from './subject-wording';

export interface EmailNotifierConfig {
  /** Names this server in logs and errors (default: host). */
  name?: string;
  host: string;
  port: number;
  /** TLS from the first byte (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure?: boolean;
  /** Refuse to send unless the connection is upgraded with STARTTLS. */
  requireTLS?: boolean;
  /** `pass` (and `user`) may be `${secret:NAME}`, resolved from deps.secrets. */
  auth?: { user: string; pass: string };
  /** e.g. `"Trygg" <alarm@example.no>`; its domain also names the Message-ID. */
  from: string;
  replyTo?: string;
  tls?: { rejectUnauthorized?: boolean; ca?: string; servername?: string };
  /** Connect, greeting and idle-socket timeouts, ms (default 10 000). */
  timeoutMs?: number;
}

export interface EmailNotifierDeps {
  /** Secret values by name (from the environment), referenced as `${secret:NAME}`. */
  secrets?: Record<string, string>;
  logger?: Logger;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Nodemailer codes that a retry cannot fix: configuration or the message itself. */
const PERMANENT_CODES = new Set(['ECONFIG', 'ENOAUTH', 'EAUTH', 'EENVELOPE', 'EMESSAGE', 'ETLS', 'EREQUIRETLS', 'EMAXRECIPIENTS', 'EOTP']);
/** Node's TLS verification failures (CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID ...). */
const CERTIFICATE_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)/;

/**
 * E-mail over SMTP (nodemailer). One short-lived connection per message: alarms are rare and a
 * pooled connection would be idle-closed by most servers between them.
 */
export class EmailNotifier implements Notifier {
  readonly channel = 'email';
  private readonly transport: Transporter;
  private readonly redact: Redact;
  private readonly label: string;

  constructor(private readonly config: EmailNotifierConfig, private readonly deps: EmailNotifierDeps = {}) {
    const secrets = deps.secrets ?? {};
    this.label = `smtp "${config.name ?? config.host}"`;
    let auth: { user: string; pass: string } | undefined;
    if (config.auth) {
      checkTemplate(config.auth.user, secrets, `notify email ${this.label} auth.user`);
      checkTemplate(config.auth.pass, secrets, `notify email ${this.label} auth.pass`);
      auth = { user: render(config.auth.user, {}, secrets, escapes.text), pass: render(config.auth.pass, {}, secrets, escapes.text) };
    }
    const timeout = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const options: SMTPTransportOptions = {
      host: config.host,
      port: config.port,
      secure: config.secure ?? false,
      requireTLS: config.requireTLS ?? false,
      auth,
      tls: config.tls,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      socketCloseTimeout: 0,
      // Never log: nodemailer's debug log would carry the AUTH exchange.
      logger: false,
      debug: false,
    };
    this.transport = nodemailer.createTransport(options);
    // The password, and the AUTH PLAIN token that carries it (the redactor adds base64 forms).
    const credentials = auth?.pass ? [auth.pass, `\u0000${auth.user}\u0000${auth.pass}`, `${auth.user}\u0000${auth.user}\u0000${auth.pass}`] : [];
    this.redact = redactor([...Object.values(secrets), ...credentials]);
  }

  async send(notification: Notification, signal: AbortSignal): Promise<SendResult> {
    const log = { email: this.config.name ?? this.config.host, notificationId: notification.id, attempt: notification.attempt };
    try {
      const to = notification.recipient.email;
      if (!to) return { ok: false, recoverable: false, error: `recipient ${notification.recipient.id} has no e-mail address` };
      if (signal.aborted) return { ok: false, recoverable: true, error: `${this.label}: aborted before sending` };
      const mail = composeEmail(notification);
      const createdAt = new Date(notification.createdAt);
      const info = await this.transport.sendMail({
        from: this.config.from,
        to: notification.recipient.name ? { name: notification.recipient.name, address: to } : to,
        replyTo: this.config.replyTo,
        subject: mail.subject,
        text: mail.text,
        messageId: messageIdFor(notification.id, this.config.from),
        date: Number.isNaN(createdAt.getTime()) ? undefined : createdAt,
        priority: mail.priority,
        headers: {
          'Content-Language': mail.language === 'en' ? 'en' : 'nb',
          // RFC 3834: an automatic message; stops out-of-office replies.
          'Auto-Submitted': 'auto-generated',
          'X-Trygg-Notification-Id': notification.id,
        },
        signal,
      });
      const detail = oneLine(this.redact(info.response ?? ''));
      this.deps.logger?.debug({ ...log, messageId: info.messageId, response: detail }, 'email accepted');
      return { ok: true, providerRef: info.messageId, detail };
    } catch (err) {
      const result = this.failure(err);
      this.deps.logger?.debug({ ...log, error: result.error }, 'email failed');
      return result;
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }

  private failure(err: unknown): Extract<SendResult, { ok: false }> {
    const e = (err ?? {}) as NodemailerError;
    const code = typeof e.code === 'string' ? e.code : undefined;
    const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
    let recoverable: boolean;
    if (code === 'EABORT') recoverable = true;
    // RFC 5321 §4.2.1: 4yz transient, 5yz permanent (503 "bad sequence" is a session state, not a refusal).
    else if (responseCode !== undefined) recoverable = !(responseCode >= 500 && responseCode < 600 && responseCode !== 503);
    else if (code && PERMANENT_CODES.has(code)) recoverable = false;
    // An untrusted, expired or mismatched certificate stays so until someone fixes it.
    else if (e.originalCode && CERTIFICATE_ERROR.test(e.originalCode)) recoverable = false;
    // Connection refused, reset, DNS, timeouts: a later attempt may get through.
    else recoverable = true;
    const what = code === 'EABORT' ? 'aborted' : (e.response ?? e.message ?? String(err));
    const parts = [this.label, code, e.originalCode, e.command && e.command.split(' ').slice(0, 2).join(' ')].filter(Boolean);
    // Redact the whole text first, then shorten: a cut must never leave half a secret.
    const error = oneLine(this.redact(`${parts.join(' ')}: ${what}`));
    return { ok: false, recoverable, error: error.length > 300 ? `${error.slice(0, 300)}…` : error };
  }
}
