import type { Logger } from 'pino';
import { TryggError } from '../../../errors';
import { composeSms, composeVoice, type Language } from '../../compose-text';
import { httpAttempt, jsonPath, type StatusPolicy } from '../../http-request';
import type { Notification, Notifier, SendResult } from '../../notifier';
import { redactHeaders, redactor, type Redact } from '../../redact';
import type { ProviderReply, ReplyListener } from '../../provider-reply';
import type { DeliveryReceipt } from '../smpp/delivery-receipt';
import { bodyAsJson, readReceipt, readReply, signatureValid, type InboundSettings } from './inbound';
import { checkTemplate, escapes, render, usesSecret, type TemplateVariable } from './template';

export type InboundKind = 'reply' | 'receipt';
export type InboundReport = DeliveryReceipt & { channel: string; at: number };
/** What the route answers the provider: 204 taken, 400 unreadable, 401 not signed by the shared secret, 404 no inbound configured. */
export type InboundAnswer = { status: 204 | 400 | 401 | 404; error?: string };

/**
 * A generic HTTP SMS/voice provider, configured by template, e.g.
 *
 *   { name: 'acme', channel: 'sms', url: 'https://api.acme.example/v1/sms',
 *     headers: { Authorization: 'Bearer ${secret:ACME_KEY}' },
 *     bodyTemplate: '{"to":"{{phone}}","message":"{{text}}","ref":"{{id}}"}', providerRefPath: 'messageId' }
 *
 * Placeholders in `url` are URL-encoded, in `bodyTemplate` escaped per `bodyEncoding`. The
 * notification id goes as the idempotency key (header `Idempotency-Key` unless configured, and
 * `{{id}}`). Secret values never reach logs or error texts.
 */
export interface HttpProviderConfig extends StatusPolicy {
  /** Names this provider in logs and errors. */
  name: string;
  channel: 'sms' | 'voice';
  url: string;
  method?: 'POST' | 'PUT' | 'GET';
  headers?: Record<string, string>;
  bodyTemplate?: string;
  /** How placeholders in the body are escaped (default json) and the default Content-Type. */
  bodyEncoding?: 'json' | 'form' | 'text';
  /** Dotted path of the provider's message id in a JSON answer (the delivery receipt). */
  providerRefPath?: string;
  /** Header carrying the notification id; false for none. Default `Idempotency-Key`. */
  idempotencyHeader?: string | false;
  /** Text language when the recipient has none; default nb. */
  language?: Language;
  /** Replies and delivery reports the provider posts back (inbound.ts). */
  inbound?: InboundSettings;
}

export interface HttpProviderDeps {
  /** Secret values by name (from the environment), referenced as `${secret:NAME}`. */
  secrets?: Record<string, string>;
  logger?: Logger;
  fetch?: typeof fetch;
}

/** A URL that cannot work is a configuration error, reported at load without the URL (it may hold a secret). */
export function checkUrl(url: string, where: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TryggError('TRYGG_SRV_CONFIG_INVALID', [`${where} is not a valid URL`]);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TryggError('TRYGG_SRV_CONFIG_INVALID', [`${where} must be http(s)`]);
  if (parsed.username || parsed.password) {
    throw new TryggError('TRYGG_SRV_CONFIG_INVALID', [`${where} must not hold credentials; send them in a header with \${secret:NAME}`]);
  }
}

const CONTENT_TYPE = { json: 'application/json', form: 'application/x-www-form-urlencoded', text: 'text/plain; charset=utf-8' } as const;

export class HttpProviderNotifier implements Notifier {
  readonly channel: string;
  private readonly secrets: Record<string, string>;
  private readonly redact: Redact;
  private readonly label: string;
  private readonly inboundKey: string | undefined;
  private readonly replies = new Set<ReplyListener>();
  private readonly reports = new Set<(report: InboundReport) => void>();

  /** Throws TRYGG_SRV_CONFIG_INVALID for an unknown secret or template variable. */
  constructor(private readonly config: HttpProviderConfig, private readonly deps: HttpProviderDeps = {}) {
    this.channel = config.channel;
    this.secrets = deps.secrets ?? {};
    this.label = `${config.channel} via http-provider "${config.name}"`;
    const where = `notify http-provider "${config.name}"`;
    checkTemplate(config.url, this.secrets, `${where} url`);
    for (const [k, v] of Object.entries(config.headers ?? {})) checkTemplate(v, this.secrets, `${where} header ${k}`);
    if (config.bodyTemplate) checkTemplate(config.bodyTemplate, this.secrets, `${where} bodyTemplate`);
    if (config.method === 'GET' && config.bodyTemplate) throw new TryggError('TRYGG_SRV_CONFIG_INVALID', [`${where}: GET has no body`]);
    checkUrl(render(config.url, {}, this.secrets, escapes.url), `${where} url`);
    // Secrets, and header values built from them (e.g. `Basic …`), are redacted wherever they appear.
    const secretHeaderValues = Object.values(config.headers ?? {}).filter(usesSecret).map((t) => render(t, {}, this.secrets, escapes.header));
    this.redact = redactor([...Object.values(this.secrets), ...secretHeaderValues]);
    if (config.inbound) {
      checkTemplate(config.inbound.signingKey, this.secrets, `${where} inbound.signingKey`);
      this.inboundKey = render(config.inbound.signingKey, {}, this.secrets, escapes.text);
    }
  }

  onReply(listener: ReplyListener): () => void {
    this.replies.add(listener);
    return () => this.replies.delete(listener);
  }

  onDeliveryReport(listener: (report: InboundReport) => void): () => void {
    this.reports.add(listener);
    return () => this.reports.delete(listener);
  }

  /** A callback from the provider (routes/api/provider-inbound-routes.ts), checked and handed to listeners. */
  receive(kind: InboundKind, raw: Buffer, headers: { signature?: string; contentType?: string }, at: number): InboundAnswer {
    const inbound = this.config.inbound;
    if (!inbound || !this.inboundKey) return { status: 404, error: 'this provider takes no callbacks' };
    if (!signatureValid(raw, headers.signature, this.inboundKey)) return { status: 401, error: 'missing or wrong signature' };
    const json = bodyAsJson(raw, headers.contentType);
    if (json === undefined) return { status: 400, error: 'body is neither JSON nor a form' };
    if (kind === 'reply') {
      const reply = readReply(json, inbound);
      if (typeof reply === 'string') return { status: 400, error: reply };
      const event: ProviderReply = { channel: this.channel, from: reply.from, text: reply.text, at };
      for (const l of this.replies) l(event);
    } else {
      const receipt = readReceipt(json, inbound);
      if (typeof receipt === 'string') return { status: 400, error: receipt };
      for (const l of this.reports) l({ ...receipt, channel: this.channel, at });
    }
    return { status: 204 };
  }

  /** The header the provider signs its callbacks in (lower case). */
  signatureHeader(): string {
    return (this.config.inbound?.signatureHeader ?? 'x-trygg-signature').toLowerCase();
  }

  async send(n: Notification, signal: AbortSignal): Promise<SendResult> {
    try {
      return await this.attempt(n, signal);
    } catch (err) {
      return { ok: false, recoverable: true, error: this.redact(`${this.label}: ${err instanceof Error ? err.message : 'failed'}`) };
    }
  }

  private async attempt(n: Notification, signal: AbortSignal): Promise<SendResult> {
    const phone = n.recipient.phone?.trim();
    if (!phone) return { ok: false, recoverable: false, error: `${this.label}: recipient ${n.recipient.id} has no phone number` };
    const language = n.recipient.language ?? this.config.language ?? 'nb';
    const text = this.config.channel === 'voice' ? composeVoice(n.subject, n.purpose, language) : composeSms(n.subject, n.purpose, language);
    const values: Record<TemplateVariable, string> = {
      id: n.id, attempt: String(n.attempt), phone, text, channel: n.channel, target: n.target, purpose: n.purpose,
      alarmId: n.subject.alarmId ?? '', language, recipientId: n.recipient.id, recipientName: n.recipient.name ?? '',
      drill: String(n.subject.drill),
    };
    const encoding = this.config.bodyEncoding ?? 'json';
    const headers: Record<string, string> = {};
    if (this.config.bodyTemplate) headers['content-type'] = CONTENT_TYPE[encoding];
    const idHeader = this.config.idempotencyHeader ?? 'Idempotency-Key';
    if (idHeader) headers[idHeader.toLowerCase()] = n.id;
    for (const [k, v] of Object.entries(this.config.headers ?? {})) headers[k.toLowerCase()] = render(v, values, this.secrets, escapes.header);
    const url = render(this.config.url, values, this.secrets, escapes.url);
    const method = this.config.method ?? 'POST';
    const body = this.config.bodyTemplate ? render(this.config.bodyTemplate, values, this.secrets, escapes[encoding]) : undefined;

    const log = { provider: this.config.name, notificationId: n.id, attempt: n.attempt };
    this.deps.logger?.debug({ ...log, method, url: this.redact(url), headers: redactHeaders(headers) }, 'http provider request');
    const answer = await httpAttempt({ url, method, headers, body, signal, fetch: this.deps.fetch }, this.config, this.label, this.redact);
    if (!answer.ok) {
      this.deps.logger?.debug({ ...log, error: answer.result.error }, 'http provider failed');
      return answer.result;
    }
    const providerRef = jsonPath(answer.body, this.config.providerRefPath);
    this.deps.logger?.debug({ ...log, status: answer.status, providerRef }, 'http provider accepted');
    return { ok: true, ...(providerRef !== undefined && { providerRef: this.redact(providerRef) }), detail: `HTTP ${answer.status}` };
  }
}
