import type { Logger } from 'pino';
import { TryggError } from '../../../errors';
import { httpAttempt, type StatusPolicy } from '../../http-request';
import type { Notification, Notifier, SendResult } from '../../notifier';
import { redactHeaders, redactor, type Redact } from '../../redact';
import { checkTemplate, escapes, render } from '../http-provider/template';
import { buildCapAlert, type CapAlertOptions } from './cap-alert';

export interface CapNotifierConfig extends CapAlertOptions, StatusPolicy {
  /** Names the receiver in logs and errors (default: the URL's host). */
  name?: string;
  /** Where the alert is POSTed; may contain `${secret:NAME}`. `user:pass@` becomes Basic auth. */
  url: string;
  /** Extra request headers; values may contain `${secret:NAME}` and are all treated as secrets. */
  headers?: Record<string, string>;
  /** Default 'cap'. */
  channel?: string;
}

export interface CapNotifierDeps {
  /** Secret values by name (from the environment), referenced as `${secret:NAME}`. */
  secrets?: Record<string, string>;
  logger?: Logger;
  fetch?: typeof fetch;
}

const CONTENT_TYPE = 'application/cap+xml; charset=utf-8';

/**
 * POSTs a CAP 1.2 alert (cap-alert.ts) to a receiver: an alarm receiving centre, a municipal
 * warning system. The alert identifier is the notification id, so a retry carries the same one.
 * Timeouts come from the attempt's signal (the dispatcher's per-attempt timeout); 5xx, 408, 425
 * and 429 are recoverable, other answers permanent, redirects are never followed (http-request.ts).
 */
export class CapNotifier implements Notifier {
  readonly channel: string;
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly redact: Redact;
  private readonly label: string;

  constructor(private readonly config: CapNotifierConfig, private readonly deps: CapNotifierDeps = {}) {
    this.channel = config.channel ?? 'cap';
    const secrets = deps.secrets ?? {};
    const where = `notify cap "${config.name ?? 'cap'}"`;
    checkTemplate(config.url, secrets, `${where} url`);
    for (const [k, v] of Object.entries(config.headers ?? {})) checkTemplate(v, secrets, `${where} header ${k}`);

    let url: URL;
    try {
      url = new URL(render(config.url, {}, secrets, escapes.url));
    } catch {
      throw new TryggError('TRYGG_SRV_CONFIG_INVALID', [`${where} url: not a valid URL`]); // not echoed: it may hold a token
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TryggError('TRYGG_SRV_CONFIG_INVALID', [`${where} url: must be http or https, not ${url.protocol}`]);
    }
    const headers: Record<string, string> = { 'content-type': CONTENT_TYPE };
    for (const [k, v] of Object.entries(config.headers ?? {})) headers[k.toLowerCase()] = render(v, {}, secrets, escapes.header);
    // fetch refuses URLs with credentials: send them as Basic auth instead.
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    if ((user || pass) && !headers.authorization) headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    url.username = '';
    url.password = '';
    this.url = url.href;
    this.headers = headers;
    this.label = `cap "${config.name ?? url.host}"`;
    const headerValues = Object.values(config.headers ?? {}).map((v) => render(v, {}, secrets, escapes.header));
    this.redact = redactor([
      ...Object.values(secrets), ...headerValues, ...headerValues.map((v) => v.replace(/^\S+\s+/, '')),
      pass, headers.authorization ?? '', ...url.searchParams.values(),
    ].filter((s) => s.length >= 3));
  }

  async send(notification: Notification, signal: AbortSignal): Promise<SendResult> {
    const log = { cap: this.label, notificationId: notification.id, attempt: notification.attempt };
    try {
      let body: string;
      try {
        body = buildCapAlert(notification, this.config);
      } catch (err) {
        return { ok: false, recoverable: false, error: this.redact(`${this.label}: cannot build the alert: ${(err as Error).message}`) };
      }
      this.deps.logger?.debug({ ...log, headers: redactHeaders(this.headers) }, 'cap request');
      const answer = await httpAttempt(
        { url: this.url, method: 'POST', headers: this.headers, body, signal, fetch: this.deps.fetch }, this.config, this.label, this.redact,
      );
      if (!answer.ok) {
        this.deps.logger?.debug({ ...log, error: answer.result.error }, 'cap failed');
        return answer.result;
      }
      this.deps.logger?.debug({ ...log, status: answer.status }, 'cap accepted');
      return { ok: true, providerRef: notification.id, detail: `HTTP ${answer.status}` };
    } catch (err) {
      return { ok: false, recoverable: true, error: this.redact(`${this.label}: ${err instanceof Error ? err.message : 'failed'}`) };
    }
  }
}
