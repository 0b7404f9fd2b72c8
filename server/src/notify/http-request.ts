import type { SendResult } from './notifier';
import type { Redact } from './redact';

/**
 * One HTTP attempt for the HTTP-based notifiers (http-provider, webhook): fetch with the
 * attempt's AbortSignal, no redirects followed (a redirect could carry credentials to another
 * host), and the answer classified into a SendResult whose text has passed the redactor.
 */
export type StatusMatch = number | '2xx' | '3xx' | '4xx' | '5xx';

export interface StatusPolicy {
  /** Default: any 2xx. */
  successStatus?: StatusMatch[];
  /** Default: 408, 425, 429 and any 5xx. Everything else that is not a success is permanent. */
  recoverableStatus?: StatusMatch[];
}

export const DEFAULT_RECOVERABLE_STATUS: StatusMatch[] = [408, 425, 429, '5xx'];

export interface HttpAttempt {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  fetch?: typeof fetch;
}

export type HttpAnswer = { ok: true; status: number; body: string } | { ok: false; result: Extract<SendResult, { ok: false }> };

const BODY_LIMIT = 64 * 1024;

/** Never throws. `label` names the sender in error texts ("sms via http-provider acme"). */
export async function httpAttempt(attempt: HttpAttempt, policy: StatusPolicy, label: string, redact: Redact): Promise<HttpAnswer> {
  const fail = (recoverable: boolean, error: string): HttpAnswer => ({ ok: false, result: { ok: false, recoverable, error: redact(`${label}: ${error}`) } });
  if (attempt.signal.aborted) return fail(true, 'aborted before sending');
  let response: Response;
  let body: string;
  try {
    response = await (attempt.fetch ?? fetch)(attempt.url, {
      method: attempt.method, headers: attempt.headers, body: attempt.body, signal: attempt.signal, redirect: 'manual',
    });
    body = (await response.text()).slice(0, BODY_LIMIT);
  } catch (err) {
    if (attempt.signal.aborted) return fail(true, 'aborted (timeout or shutdown)');
    return fail(true, `request failed (${describeFetchError(err)})`);
  }
  if (matches(response.status, policy.successStatus ?? ['2xx'])) return { ok: true, status: response.status, body };
  const recoverable = matches(response.status, policy.recoverableStatus ?? DEFAULT_RECOVERABLE_STATUS);
  const what = response.status >= 300 && response.status < 400 ? 'unexpected redirect' : snippet(body);
  return fail(recoverable, `HTTP ${response.status}${what ? `: ${what}` : ''}`);
}

export function matches(status: number, list: StatusMatch[]): boolean {
  return list.some((m) => (typeof m === 'number' ? m === status : Math.floor(status / 100) === Number(m[0])));
}

/** Network errors by code (ECONNREFUSED, ENOTFOUND ...); the message of an unknown error is kept but redacted by the caller. */
function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return err instanceof Error ? err.message : 'unknown error';
}

function snippet(body: string): string {
  return body.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** A value at a dotted path of a JSON text ("sid", "messages.0.id"), as a string. */
export function jsonPath(text: string, path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    let value: unknown = JSON.parse(text);
    for (const key of path.split('.')) {
      if (value === null || typeof value !== 'object') return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  } catch {
    return undefined;
  }
}
