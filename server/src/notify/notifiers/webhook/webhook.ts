import { systemClock, type Clock } from '@trygg/protocol';
import type { Logger } from 'pino';
import { httpAttempt, type StatusPolicy } from '../../http-request';
import type { Notification, Notifier, SendResult } from '../../notifier';
import { redactHeaders, redactor, type Redact } from '../../redact';
import { TryggError } from '../../../errors';
import { checkUrl } from '../http-provider/http-provider';
import { checkTemplate, escapes, render } from '../http-provider/template';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './signature';

/**
 * Webhook: a JSON POST of the notification, signed (signature.ts). The notification id goes in
 * `X-Trygg-Delivery` (and the body) as the idempotency key: a receiver that sees an id twice
 * has seen a retry. Recipient contact details are left out of the body (data minimisation).
 */
export interface WebhookConfig extends StatusPolicy {
  name: string;
  /** May contain `${secret:NAME}` (tokens in webhook URLs). */
  url: string;
  /** The HMAC key, usually `${secret:NAME}`. */
  signingKey: string;
  headers?: Record<string, string>;
  /** Default 'webhook'. */
  channel?: string;
}

export interface WebhookDeps {
  secrets?: Record<string, string>;
  clock?: Clock;
  logger?: Logger;
  fetch?: typeof fetch;
}

export interface WebhookBody {
  v: 1;
  id: string;
  attempt: number;
  purpose: Notification['purpose'];
  target: string;
  createdAt: string;
  subject: Notification['subject'];
  recipient: { id: string; name?: string; language?: 'nb' | 'en' };
}

export class WebhookNotifier implements Notifier {
  readonly channel: string;
  private readonly secrets: Record<string, string>;
  private readonly key: string;
  private readonly redact: Redact;
  private readonly label: string;

  constructor(private readonly config: WebhookConfig, private readonly deps: WebhookDeps = {}) {
    this.channel = config.channel ?? 'webhook';
    this.secrets = deps.secrets ?? {};
    this.label = `webhook "${config.name}"`;
    const where = `notify webhook "${config.name}"`;
    checkTemplate(config.url, this.secrets, `${where} url`);
    checkTemplate(config.signingKey, this.secrets, `${where} signingKey`);
    for (const [k, v] of Object.entries(config.headers ?? {})) checkTemplate(v, this.secrets, `${where} header ${k}`);
    checkUrl(render(config.url, {}, this.secrets, escapes.url), `${where} url`);
    this.key = render(config.signingKey, {}, this.secrets, escapes.text);
    if (this.key.length < 16) throw new TryggError('TRYGG_SRV_CONFIG_INVALID', [`${where}: signingKey must be at least 16 characters`]);
    this.redact = redactor([...Object.values(this.secrets), this.key]);
  }

  async send(n: Notification, signal: AbortSignal): Promise<SendResult> {
    try {
      const body: WebhookBody = {
        v: 1, id: n.id, attempt: n.attempt, purpose: n.purpose, target: n.target, createdAt: n.createdAt, subject: n.subject,
        recipient: { id: n.recipient.id, name: n.recipient.name, language: n.recipient.language },
      };
      const raw = JSON.stringify(body);
      const timestamp = Math.floor((this.deps.clock ?? systemClock).now() / 1000);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.config.headers ?? {})) headers[k.toLowerCase()] = render(v, {}, this.secrets, escapes.header);
      Object.assign(headers, {
        'content-type': 'application/json',
        [DELIVERY_HEADER]: n.id,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signWebhook(this.key, timestamp, raw),
      });
      const url = render(this.config.url, {}, this.secrets, escapes.url);
      const log = { webhook: this.config.name, notificationId: n.id, attempt: n.attempt };
      this.deps.logger?.debug({ ...log, url: this.redact(url), headers: redactHeaders(headers) }, 'webhook request');
      const answer = await httpAttempt({ url, method: 'POST', headers, body: raw, signal, fetch: this.deps.fetch }, this.config, this.label, this.redact);
      if (!answer.ok) {
        this.deps.logger?.debug({ ...log, error: answer.result.error }, 'webhook failed');
        return answer.result;
      }
      this.deps.logger?.debug({ ...log, status: answer.status }, 'webhook accepted');
      return { ok: true, detail: `HTTP ${answer.status}` };
    } catch (err) {
      return { ok: false, recoverable: true, error: this.redact(`${this.label}: ${err instanceof Error ? err.message : 'failed'}`) };
    }
  }
}
